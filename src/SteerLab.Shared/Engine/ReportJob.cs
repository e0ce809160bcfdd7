namespace SteerLab.Shared.Engine;

/// <summary>Parameters of a "report" job: the engine's <c>report</c> verb (the SAS, top-k ENR and SAE-TS papers' headline
/// comparisons), as <c>report [--model … --sae … --dataset …] [--quick] [--sections …]</c> runs it.</summary>
/// <param name="Model">The model, as a name under a model root. Without <paramref name="Saes"/> and
/// <paramref name="Datasets"/> it must be the built-in demo model ("steerlab-brown-demo"), whose SAE, genre datasets
/// and classifier the report then uses, as the CLI does by default.</param>
/// <param name="Quick">A tiny run (seconds; for a look, not for reading the numbers); false runs the full report
/// (about 12 minutes on 2 cores).</param>
/// <param name="Sections">The sections to run, as ReportSectionId names ("SasVsCaa") or the CLI's names ("a",
/// "sas-vs-caa"); null or empty runs all.</param>
/// <param name="Saes">SAE names under the model roots, all at one hook of the model; the first builds most SAS vectors.
/// Given together with <paramref name="Datasets"/>.</param>
/// <param name="Datasets">Contrastive datasets (the first two serve the composition section); a dataset named like a
/// demo contrast is judged by the demo's genre classifier, any other by its held-out log-likelihood gap.</param>
public sealed record ReportJobParameters(string Model, bool Quick = true, string[]? Sections = null, string[]? Saes = null,
    ReportDatasetParameters[]? Datasets = null)
{
    public const int MaxSaes = 4;
    public const int MaxDatasets = 4;

    /// <summary>The built-in demo's own inputs, not ones the caller chose.</summary>
    public bool UsesDemoInputs => Saes is null && Datasets is null;
}

/// <summary>A contrastive dataset as the report reads it: its name (the report's contrast name) and its pairs as the
/// library stores them (JSON).</summary>
public sealed record ReportDatasetParameters(string Name, string PairsJson);

/// <summary>What a "report" job produced: the report as report.md and as a self-contained report.html (inline SVG
/// charts, no scripts) would hold it.</summary>
/// <param name="Seconds">How long the report took on the engine.</param>
public sealed record ReportJobResult(string Markdown, string Html, double Seconds);
