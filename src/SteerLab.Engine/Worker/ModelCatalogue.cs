using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;

namespace SteerLab.Engine.Worker;

/// <summary>A model folder found under a model root.</summary>
/// <param name="Name">The path relative to the root, with '/' separators: the name jobs use ("google/gemma-2-2b").</param>
/// <param name="Folder">The folder holding config.json (a Hugging Face cache entry's snapshot), or the folder found
/// when it could not be resolved.</param>
/// <param name="WeightFileBytes">Size of the .safetensors files beside config.json (on disk, not in memory).</param>
/// <param name="Problem">Why the model cannot be used (unreadable config, no weights, a link outside the root); null
/// when its config reads.</param>
public sealed record CatalogueModel(
    string Name, string Root, string Folder, string? Architecture, int? DModel, int? LayerCount, int? VocabSize,
    long? WeightFileBytes, string? Problem);

/// <summary>An SAE folder (or Gemma Scope params.npz folder) found under a model root, described from its config
/// only: no weight is read.</summary>
/// <param name="Name">The path relative to the root, with '/' separators (what <see cref="ModelRoots.ResolveSae"/> takes).</param>
/// <param name="Width">d_sae, the number of features.</param>
/// <param name="Activation">"relu", "jumprelu" or "topk (k = 32)".</param>
/// <param name="ModelName">The model the SAE says it was trained on, when it says.</param>
public sealed record CatalogueSae(
    string Name, string Root, string Folder, SaeFileFormat? Format, string? Hook, int? DIn, int? Width, string? Activation,
    string? ModelName, string? Problem);

/// <summary>What <see cref="ModelCatalogue.Scan"/> found. <paramref name="Truncated"/>: a limit stopped the scan early.</summary>
public sealed record ModelCatalogueListing(IReadOnlyList<CatalogueModel> Models, IReadOnlyList<CatalogueSae> Saes, bool Truncated);

/// <summary>Lists the models and SAEs under the model roots for people (the Models page, the REST API): every folder
/// holding a config.json, every Hugging Face cache entry (<c>models--org--name</c>) and every folder an
/// <see cref="SaeLoader"/> recognises, down to <see cref="MaxDepth"/> folders below a root. Each entry is checked the
/// way a job would resolve it (<see cref="ModelRoots"/>: names, links outside the root) and described from its config
/// alone; a problem with one entry is reported on that entry, never thrown.</summary>
public static class ModelCatalogue
{
    /// <summary>Deep enough for <c>org/gemma-scope-2b-pt-res/layer_0/width_16k/average_l0_105</c>.</summary>
    public const int MaxDepth = 6;
    public const int MaxEntries = 1000;
    const int MaxFoldersVisited = 20_000;

    public static ModelCatalogueListing Scan(ModelRoots roots)
    {
        var models = new List<CatalogueModel>();
        var saes = new List<CatalogueSae>();
        int visited = 0;
        bool truncated = false;
        foreach (string root in roots.Folders.Where(Directory.Exists))
        {
            // Breadth first, in name order, so what a limit cuts off is the deepest and last.
            var pending = new Queue<(string Folder, int Depth)>();
            pending.Enqueue((root, 0));
            while (pending.TryDequeue(out var current))
            {
                foreach (string child in SubFolders(current.Folder))
                {
                    if (++visited > MaxFoldersVisited || models.Count + saes.Count >= MaxEntries)
                    {
                        truncated = true;
                        return Result();
                    }
                    string name = Path.GetRelativePath(root, child).Replace(Path.DirectorySeparatorChar, '/');
                    if (IsModelFolder(child)) models.Add(DescribeModel(roots, root, child, name));
                    else if (IsSaeFolder(child)) saes.Add(DescribeSae(roots, root, child, name));
                    else if (current.Depth + 1 < MaxDepth) pending.Enqueue((child, current.Depth + 1));
                }
            }
        }
        return Result();

        ModelCatalogueListing Result() => new(models, saes, truncated);
    }

    static bool IsModelFolder(string folder) =>
        File.Exists(Path.Combine(folder, "config.json")) || Path.GetFileName(folder).StartsWith("models--", StringComparison.Ordinal);

    /// <summary>The files <see cref="SaeLoader.Locate"/> recognises a folder by.</summary>
    static bool IsSaeFolder(string folder) =>
        File.Exists(Path.Combine(folder, GemmaScopeFormat.FileName)) || SaeLensFormat.IsSaeLensFolder(folder) || LlamaScopeFormat.IsLlamaScopeFolder(folder);

    static CatalogueModel DescribeModel(ModelRoots roots, string root, string folder, string name)
    {
        try
        {
            if (!roots.TryResolve(name, out string? modelDir, out string? problem))
                return new CatalogueModel(name, root, folder, null, null, null, null, null, problem);
            if (!IsUnder(modelDir!, folder))
                return new CatalogueModel(name, root, folder, null, null, null, null, null,
                    $"a model of the same name under an earlier model root ({modelDir}) is the one jobs would load");
            var config = ModelConfig.Load(Path.Combine(modelDir!, "config.json"));
            bool hasWeights = File.Exists(Path.Combine(modelDir!, "model.safetensors")) || File.Exists(Path.Combine(modelDir!, "model.safetensors.index.json"));
            long bytes = Directory.EnumerateFiles(modelDir!, "*.safetensors").Take(10_000).Sum(file => new FileInfo(file).Length);
            return new CatalogueModel(name, root, modelDir!, config.Architecture.ToString(), config.DModel, config.LayerCount, config.VocabSize,
                bytes, hasWeights ? null : $"{modelDir}: no model.safetensors or model.safetensors.index.json beside config.json");
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return new CatalogueModel(name, root, folder, null, null, null, null, null, e.Message);
        }
    }

    static CatalogueSae DescribeSae(ModelRoots roots, string root, string folder, string name)
    {
        SaeFileFormat? format = null;
        try
        {
            string path = roots.ResolveSae(name);
            if (!IsUnder(path, folder))
                return new CatalogueSae(name, root, folder, null, null, null, null, null, null,
                    $"an SAE of the same name under an earlier model root ({path}) is the one jobs would load");
            var location = SaeLoader.Locate(path);
            format = location.Format;
            var config = location.Format switch
            {
                SaeFileFormat.SaeLens => SaeLensFormat.ReadConfig(Path.Combine(location.Root, SaeLensFormat.ConfigFileName)),
                SaeFileFormat.LlamaScope => LlamaScopeFormat.ReadConfig(location.Root),
                _ => ReadGemmaScopeShape(location.Root),
            };
            return new CatalogueSae(name, root, folder, format, config.Hook?.Name, config.DIn, config.DSae, ActivationText(config), config.ModelName, null);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return new CatalogueSae(name, root, folder, format, null, null, null, null, null, e.Message);
        }
    }

    /// <summary>A Gemma Scope SAE's dimensions from the W_enc .npy header (the arrays stay unread) and its hook from
    /// the release's folder layout.</summary>
    static SaeConfig ReadGemmaScopeShape(string npzPath)
    {
        using var archive = NpzArchive.Open(npzPath, SaeLoader.DefaultMaxBytes);
        string wEnc = new[] { "W_enc", "w_enc" }.FirstOrDefault(archive.Contains)
            ?? throw new SaeFormatException(npzPath, "missing array 'W_enc': a Gemma Scope params.npz holds W_enc, W_dec, b_enc, b_dec and threshold");
        var header = archive.ReadHeader(wEnc);
        if (header.Shape.Length != 2 || header.Shape[0] is < 1 or > int.MaxValue || header.Shape[1] is < 1 or > int.MaxValue)
            throw new SaeFormatException(archive.SourceOf(wEnc), $"W_enc must be a matrix [d_in, d_sae], found shape {header.ShapeText}");
        return new SaeConfig
        {
            DIn = (int)header.Shape[0],
            DSae = (int)header.Shape[1],
            Activation = SaeActivation.JumpRelu,
            Hook = GemmaScopeFormat.InferHook(npzPath),
            Source = npzPath,
        };
    }

    static string ActivationText(SaeConfig config) => config.Activation switch
    {
        SaeActivation.TopK => $"topk (k = {config.K})",
        SaeActivation.JumpRelu => "jumprelu",
        _ => "relu",
    };

    static bool IsUnder(string path, string folder)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return full == top || full.StartsWith(top + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>Sub-folders in name order, leaving out hidden ones and the Hugging Face cache's datasets and spaces;
    /// an unreadable folder has none.</summary>
    static IEnumerable<string> SubFolders(string folder)
    {
        try
        {
            return Directory.GetDirectories(folder)
                .Where(d => Path.GetFileName(d) is var name && !name.StartsWith('.')
                    && !name.StartsWith("datasets--", StringComparison.Ordinal) && !name.StartsWith("spaces--", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
