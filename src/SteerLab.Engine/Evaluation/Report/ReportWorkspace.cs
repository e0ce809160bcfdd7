using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Evaluation.SideEffects;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Everything the sections share, loaded once: the model, the SAEs (by label, for steering plans), the contrasts
/// with their training activations at the SAE's hook, the judges, the coherence scorer, the sampler and the meter.</summary>
public sealed class ReportWorkspace : IDisposable
{
    readonly List<ReportSae> saes = [];

    public required LoadedModel Loaded { get; init; }
    public required ReportSettings Settings { get; init; }
    public required ReportInputs Inputs { get; init; }
    public required HookPoint Hook { get; init; }
    public required IReadOnlyList<ReportContrast> Contrasts { get; init; }
    public required BatchedCoherence Coherence { get; init; }
    /// <summary>Where the coherence reference perplexity came from, for the report.</summary>
    public required string CoherenceReference { get; init; }
    public required ContinuationSampler Sampler { get; init; }
    public EffectMeter Meter { get; }
    public ReportVectors Vectors { get; }

    ReportWorkspace()
    {
        Meter = new EffectMeter(this);
        Vectors = new ReportVectors(this);
    }

    public TransformerModel Model => Loaded.Model;
    public ITextTokenizer Tokenizer => Loaded.RequireTokenizer();
    public int PadId => Model.Config.PadId ?? 0;
    /// <summary>The SAE named first on the command line: the one most sections build SAS vectors in.</summary>
    public ReportSae PrimarySae => saes[0];
    /// <summary>Every SAE of the run: the given ones in command-line order, then those trained for the report.</summary>
    public IReadOnlyList<ReportSae> Saes => saes;

    public ReportContrast Contrast(string name) => Contrasts.FirstOrDefault(c => c.Name == name)
        ?? throw new KeyNotFoundException($"no contrast named '{name}'");

    public SparseAutoencoder ResolveSae(SaeReference reference) => saes.FirstOrDefault(s => s.Label == reference.Id)?.Sae
        ?? throw new ArgumentException($"the report has no SAE labelled '{reference.Id}'");

    /// <summary>Adds an SAE (the workspace disposes it); its label must be new.</summary>
    public void AddSae(ReportSae sae)
    {
        if (saes.Any(s => s.Label == sae.Label)) throw new ArgumentException($"an SAE labelled '{sae.Label}' is already loaded");
        saes.Add(sae);
    }

    public static ReportWorkspace Open(ReportInputs inputs, ReportSettings settings, Action<string> status, CancellationToken cancellation)
    {
        settings.Validate();
        if (inputs.SaeFolders.Count == 0) throw new ArgumentException("the report needs at least one SAE (--sae)");
        if (inputs.DatasetPaths.Count == 0) throw new ArgumentException("the report needs at least one dataset (--dataset)");
        status($"loading {inputs.ModelFolder}");
        var loaded = LoadedModel.Open(inputs.ModelFolder);
        var owned = new List<IDisposable> { loaded };
        try
        {
            var config = loaded.Model.Config;
            var given = new List<ReportSae>();
            foreach (string folder in inputs.SaeFolders)
            {
                string label = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
                if (given.Any(s => s.Label == label)) label = $"{label}-{given.Count + 1}";
                var sae = ReportSae.Load(folder, label, config.DModel, config.LayerCount, trainedForReport: false);
                owned.Add(sae);
                given.Add(sae);
            }
            var hook = given[0].Sae.Config.Hook ?? throw new ArgumentException($"{inputs.SaeFolders[0]}: the SAE does not say which hook it reads");
            foreach (var sae in given.Skip(1))
                if (sae.Sae.Config.Hook != hook) throw new ArgumentException($"{sae.Folder} reads {sae.Sae.Config.Hook} but the first SAE reads {hook}: give SAEs of one hook");

            var tokenizer = loaded.RequireTokenizer();
            var classifier = inputs.ClassifierPath is { } path && File.Exists(path) ? GenreClassifier.Load(path) : null;
            var contrasts = new List<ReportContrast>();
            foreach (string datasetPath in inputs.DatasetPaths)
            {
                status($"reading {datasetPath} and its activations at {hook}");
                var contrast = ReadContrast(loaded, datasetPath, hook, settings, cancellation);
                owned.Add(contrast);
                contrasts.Add(contrast);
            }
            if (contrasts.Select(c => c.Name).Distinct().Count() != contrasts.Count) throw new ArgumentException("two datasets have the same name (file name without extension)");
            foreach (var contrast in contrasts) AttachPerplexityText(contrast, contrasts, tokenizer, settings);

            var (reference, referenceSource) = CoherenceReferenceOf(loaded, contrasts[0]);
            var coherence = new PerplexityCoherence(loaded.Model, tokenizer, reference);
            foreach (var contrast in contrasts)
                if (contrast.Demo is { } demo && classifier is not null)
                    contrast.Judge = new ClassifierJudge(classifier, demo.Positive, demo.Negative, coherence, contrast: demo.Id);

            var workspace = new ReportWorkspace
            {
                Loaded = loaded, Settings = settings, Inputs = inputs, Hook = hook, Contrasts = contrasts,
                Coherence = new BatchedCoherence(loaded.Model, tokenizer, reference), CoherenceReference = referenceSource,
                Sampler = new ContinuationSampler(loaded.Model, tokenizer, settings),
            };
            foreach (var sae in given) workspace.AddSae(sae);
            return workspace;
        }
        catch
        {
            foreach (var item in owned) item.Dispose();
            throw;
        }
    }

    /// <summary>Reads a dataset, splits it (first pairs build vectors, the last <see cref="ReportSettings.HeldOutFraction"/>
    /// are held out) and reads the training pairs' activations at the hook: the completion mean for completion pairs (as
    /// the demo builds its vectors), the answer-letter token for A/B pairs.</summary>
    static ReportContrast ReadContrast(LoadedModel loaded, string path, HookPoint hook, ReportSettings settings, CancellationToken cancellation)
    {
        var dataset = ContrastiveDatasetReader.Read(path);
        if (settings.MaxPairs is int max && dataset.Pairs.Count > max) dataset = new ContrastiveDataset(dataset.Name, dataset.Pairs.Take(max).ToList());
        int heldOut = (int)Math.Round(dataset.Pairs.Count * settings.HeldOutFraction);
        if (heldOut < 1 || heldOut >= dataset.Pairs.Count)
            throw new ArgumentException($"{path}: {dataset.Pairs.Count} pairs cannot be split into training and held-out pairs (held-out fraction {settings.HeldOutFraction})");
        var train = new ContrastiveDataset(dataset.Name, dataset.Pairs.Take(dataset.Pairs.Count - heldOut).ToList());
        var prompts = new ContrastivePrompts(loaded.RequireTokenizer(), loaded.ChatTemplate);
        var position = dataset.Kind == PairKind.Completion ? ReadPosition.CompletionMean : ReadPosition.AnswerToken;
        var extractor = new ActivationExtractor(loaded.Model) { BatchSize = 16, PadId = loaded.Model.Config.PadId ?? 0 };
        var activations = extractor.Extract(prompts.Tokenize(train), hook, position, cancellationToken: cancellation);
        return new ReportContrast
        {
            Name = dataset.Name,
            FilePath = path,
            FileSha256 = Demo.DemoManifest.Hash(path),
            Dataset = dataset,
            Train = train,
            HeldOut = dataset.Pairs.Skip(dataset.Pairs.Count - heldOut).Select(prompts.Tokenize).ToList(),
            Activations = activations,
            Demo = DemoContrast.All.FirstOrDefault(c => c.Id == dataset.Name),
        };
    }

    /// <summary>Perplexity text of a contrast: the other contrasts' sentences (both sides, alternating), or its own held-out
    /// pairs when it is alone, cut into equal windows (<see cref="HeldOutText.Windows"/>).</summary>
    static void AttachPerplexityText(ReportContrast contrast, IReadOnlyList<ReportContrast> all, ITextTokenizer tokenizer, ReportSettings settings)
    {
        var others = all.Where(c => c != contrast).ToList();
        var pairs = others.Count > 0 ? others.SelectMany(c => c.Dataset.Pairs).ToList() : contrast.Dataset.Pairs.Skip(contrast.Train.Pairs.Count).ToList();
        string text = string.Join(" ", pairs.SelectMany(p => new[] { p.Prompt + p.Positive, p.Prompt + p.Negative }).Select(t => t.Trim()));
        var windows = HeldOutText.Windows(tokenizer, [text], settings.PerplexityWindowTokens, settings.PerplexityWindows);
        if (windows.Count == 0) throw new ArgumentException($"{contrast.Name}: too little held-out text for one window of {settings.PerplexityWindowTokens} tokens");
        contrast.PerplexityText = windows;
        contrast.PerplexitySource = others.Count > 0
            ? $"{windows.Count} windows of {settings.PerplexityWindowTokens} tokens from the sentences of {string.Join(", ", others.Select(o => o.Name))}"
            : $"{windows.Count} windows of {settings.PerplexityWindowTokens} tokens from its own held-out pairs";
    }

    /// <summary>Coherence counts text as fully coherent at the model's perplexity on ordinary text: the demo manifest's
    /// validation perplexity for the demo model (what <see cref="ClassifierJudge.ForDemo"/> uses), else the unsteered
    /// perplexity of the first contrast's held-out text.</summary>
    static (double Reference, string Source) CoherenceReferenceOf(LoadedModel loaded, ReportContrast first)
    {
        string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(loaded.Directory));
        if (parent is not null && File.Exists(Path.Combine(parent, DemoAssets.ManifestFileName)))
        {
            var manifest = DemoManifest.Load(parent);
            if (manifest.ModelName == loaded.Name && manifest.Metrics.TryGetValue("model_validation_perplexity", out double validation))
                return (validation, "the demo model's validation perplexity (demo manifest)");
        }
        double measured = Perplexity.Measure(loaded.Model, first.PerplexityText, padId: loaded.Model.Config.PadId ?? 0).Value;
        return (measured, $"the unsteered model's perplexity on {first.Name}'s held-out text");
    }

    public void Dispose()
    {
        foreach (var sae in saes) sae.Dispose();
        foreach (var contrast in Contrasts) contrast.Dispose();
        Loaded.Dispose();
    }
}
