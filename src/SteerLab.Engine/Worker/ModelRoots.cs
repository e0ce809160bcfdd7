namespace SteerLab.Engine.Worker;

/// <summary>The folders models may be loaded from (DESIGN §9: "model paths only under configured model roots"). A job
/// names its model by a path relative to a root ("stories260K", "google/gemma-2-2b"); this resolves the name to a
/// model folder and refuses names that lead outside every root: "..", absolute paths elsewhere, and symbolic links
/// (of the folder, any folder above it, or the files in it) whose targets lie outside the root.</summary>
public sealed class ModelRoots
{
    /// <summary>Longer names are refused before touching the file system.</summary>
    public const int MaxNameLength = 512;
    const int MaxLinkDepth = 40; // as Linux's ELOOP limit
    const int MaxListedModels = 1000;
    static readonly char[] Separators = ['/', '\\'];

    readonly string[] roots;

    public ModelRoots(IEnumerable<string> roots)
    {
        this.roots = roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).ToArray();
    }

    public IReadOnlyList<string> Folders => roots;

    /// <summary>Why <paramref name="model"/> is not an acceptable model name, or null when it is (syntax only; the
    /// folder may still not exist).</summary>
    public static string? CheckName(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) return "the model name is empty";
        if (model.Length > MaxNameLength) return $"the model name is longer than {MaxNameLength} characters";
        if (model.Any(char.IsControl)) return "the model name contains control characters";
        if (model.Split(Separators).Any(part => part == "..")) return $"model '{model}': '..' is not allowed in model paths";
        return null;
    }

    /// <summary>The folder holding the model's config.json (for a Hugging Face cache entry, its snapshot).</summary>
    /// <exception cref="ModelPathException">The name is malformed, not found, or leads outside the roots.</exception>
    public string Resolve(string model)
    {
        if (CheckName(model) is { } problem) throw new ModelPathException(problem);
        if (roots.Length == 0) throw new ModelPathException($"model '{model}': no model roots are configured");
        var (root, folder) = Locate(model);
        string realRoot = RealPath(root);
        EnsureInside(model, RealPath(folder), realRoot, "the model folder");
        string modelDir;
        try { modelDir = Models.ModelDirectory.Resolve(folder); }
        catch (Models.ModelConfigException e) { throw new ModelPathException($"model '{model}': {e.Message}"); }
        EnsureContentsInside(model, modelDir, realRoot, "the model folder");
        return modelDir;
    }

    /// <summary>An SAE folder (or file) named relative to a root, with the same containment checks as a model.</summary>
    /// <exception cref="ModelPathException">The name is malformed, not found, or leads outside the roots.</exception>
    public string ResolveSae(string sae)
    {
        if (CheckName(sae) is { } problem) throw new ModelPathException(problem.Replace("model", "SAE"));
        if (roots.Length == 0) throw new ModelPathException($"SAE '{sae}': no model roots are configured");
        foreach (string root in roots)
        {
            string candidate = Path.GetFullPath(Path.IsPathRooted(sae) ? sae : Path.Combine(root, sae));
            if (!IsInside(candidate, root) || !(Directory.Exists(candidate) || File.Exists(candidate))) continue;
            string realRoot = RealPath(root);
            EnsureContentsInside(sae, candidate, realRoot, "the SAE");
            // The files the loader reads may lie beside a named file (an SAE named by its cfg.json) or deeper (Llama
            // Scope's checkpoints/final.safetensors): they must resolve inside the root as well.
            if (TryLocateSae(candidate) is { } location)
            {
                EnsureContentsInside(sae, location.Root, realRoot, "the SAE");
                EnsureInside(sae, RealPath(location.WeightFile), realRoot, $"'{Path.GetFileName(location.WeightFile)}'");
            }
            return candidate;
        }
        throw new ModelPathException($"SAE '{sae}' not found under the model roots ({string.Join(", ", roots)})");
    }

    /// <summary>Like <see cref="Resolve"/>, reporting the problem instead of throwing.</summary>
    public bool TryResolve(string model, out string? modelDir, out string? problem)
    {
        try { modelDir = Resolve(model); problem = null; return true; }
        catch (Exception e) when (e is ModelPathException or IOException or UnauthorizedAccessException)
        {
            modelDir = null;
            problem = e.Message;
            return false;
        }
    }

    /// <summary>The model names found under the roots: folders holding config.json one or two levels down
    /// ("stories260K", "google/gemma-2-2b") and Hugging Face cache entries ("models--org--name"). What a worker
    /// advertises to the server.</summary>
    public IReadOnlyList<string> Discover()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string root in roots.Where(Directory.Exists))
        {
            foreach (string first in SafeDirectories(root))
            {
                string name = Path.GetFileName(first);
                if (IsModelFolder(first)) names.Add(name);
                else foreach (string second in SafeDirectories(first).Where(IsModelFolder))
                    names.Add($"{name}/{Path.GetFileName(second)}");
                if (names.Count >= MaxListedModels) return names.ToList();
            }
        }
        return names.ToList();
    }

    /// <summary>Where the SAE's files are, or null when it is no SAE the loader knows (it says so when it loads it).</summary>
    static Sae.SaeLocation? TryLocateSae(string path)
    {
        try { return Sae.SaeLoader.Locate(path); }
        catch (Sae.SaeFormatException) { return null; }
    }

    (string Root, string Folder) Locate(string model)
    {
        if (Path.IsPathRooted(model))
        {
            string full = Path.GetFullPath(model);
            string? root = roots.FirstOrDefault(r => IsInside(full, r));
            if (root is null) throw new ModelPathException($"model '{model}' is not under any model root ({string.Join(", ", roots)})");
            if (!Directory.Exists(full)) throw new ModelPathException($"model '{model}' not found");
            return (root, full);
        }
        foreach (string root in roots)
        {
            string candidate = Path.GetFullPath(Path.Combine(root, model));
            if (!IsInside(candidate, root)) throw new ModelPathException($"model '{model}' leads outside the model root {root}");
            if (Directory.Exists(candidate)) return (root, candidate);
        }
        throw new ModelPathException($"model '{model}' not found under the model roots ({string.Join(", ", roots)})");
    }

    /// <summary>The folder (or file) itself and, for a folder, every entry in it (bounded) resolve inside the root.</summary>
    static void EnsureContentsInside(string name, string path, string realRoot, string what)
    {
        EnsureInside(name, RealPath(path), realRoot, what);
        if (!Directory.Exists(path)) return;
        foreach (string file in Directory.EnumerateFileSystemEntries(path).Take(10_000))
            EnsureInside(name, RealPath(file), realRoot, $"'{Path.GetFileName(file)}'");
    }

    static void EnsureInside(string model, string realPath, string realRoot, string what)
    {
        if (!IsInside(realPath, realRoot))
            throw new ModelPathException($"model '{model}': {what} is a symbolic link (or lies below one) leading outside the model root {realRoot}");
    }

    static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    static bool IsModelFolder(string dir) =>
        File.Exists(Path.Combine(dir, "config.json")) || Path.GetFileName(dir).StartsWith("models--", StringComparison.Ordinal);

    static IEnumerable<string> SafeDirectories(string dir)
    {
        try { return Directory.GetDirectories(dir).Order(StringComparer.Ordinal).ToArray(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>The path with every symbolic link along it replaced by its target (like realpath(3)); components that
    /// do not exist are kept as they are.</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > MaxLinkDepth) throw new ModelPathException($"{path}: too many levels of symbolic links");
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        foreach (string part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            string? target = new FileInfo(next).LinkTarget;
            current = target is null ? next : RealPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target), depth + 1);
        }
        return Path.TrimEndingDirectorySeparator(current) is { Length: > 0 } trimmed ? trimmed : current;
    }
}
