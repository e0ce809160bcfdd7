using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>One contrastive dataset as the report uses it: the first pairs (<see cref="Train"/>) build every vector, the
/// last ones (<see cref="HeldOut"/>) are never seen by a builder and measure the held-out log-likelihood gap.
/// <see cref="Judge"/> scores generated text on this contrast's behaviour (the demo's genre classifier; null for
/// datasets no classifier knows). <see cref="PerplexityText"/> is the held-out text steering side effects are measured
/// on: windows cut from the other contrasts' sentences (so a romance vector is charged for what it does to learned
/// prose), or from this contrast's held-out pairs when it is the only one.</summary>
public sealed class ReportContrast : IDisposable
{
    public required string Name { get; init; }
    public required string FilePath { get; init; }
    public required string FileSha256 { get; init; }
    public required ContrastiveDataset Dataset { get; init; }
    public required ContrastiveDataset Train { get; init; }
    public required IReadOnlyList<TokenizedPair> HeldOut { get; init; }
    public required ContrastiveActivations Activations { get; init; }
    public DemoContrast? Demo { get; init; }
    public ClassifierJudge? Judge { get; set; }
    public IReadOnlyList<IReadOnlyList<int>> PerplexityText { get; set; } = [];
    public string PerplexitySource { get; set; } = "";

    /// <summary>"romance (p) vs press (a)" for demo contrasts, the dataset name otherwise.</summary>
    public string Describe() => Demo is { } demo
        ? $"{BrownGenres.Names[demo.Positive]} vs {BrownGenres.Names[demo.Negative]}"
        : Name;

    public void Dispose() => Activations.Dispose();
}
