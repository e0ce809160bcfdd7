using System.Diagnostics;
using SteerLab.Engine.Evaluation.Report.Sections;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Runs the selected sections over one workspace and assembles the document; each section is timed on its own
/// (what it reuses from earlier sections is not counted again).</summary>
public static class ReportRunner
{
    public static ReportDocument Run(ReportInputs inputs, ReportSettings settings, Action<string> status, CancellationToken cancellation)
    {
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        using var workspace = ReportWorkspace.Open(inputs, settings, status, cancellation);
        status("measuring the unsteered model");
        workspace.Meter.Unsteered(cancellation);
        status("baseline: " + string.Join(", ", workspace.Meter.Timings.Select(t => $"{t.Key} {t.Value.TotalSeconds:F1} s")));
        double setupSeconds = total.Elapsed.TotalSeconds;

        var sections = new List<ReportSection>();
        foreach (var id in settings.Sections.Distinct().Order())
        {
            var clock = Stopwatch.StartNew();
            status($"section {id}");
            var section = Section(id, workspace, status, cancellation);
            sections.Add(section with { WallSeconds = clock.Elapsed.TotalSeconds });
            status($"section {id}: {clock.Elapsed.TotalSeconds:F0} s; " + string.Join(", ", workspace.Meter.Timings.Select(t => $"{t.Key} {t.Value.TotalSeconds:F0} s")));
        }
        var header = ReportProvenance.Header(workspace, started, total.Elapsed.TotalSeconds, setupSeconds, sections);
        return new ReportDocument($"SteerLab reproduction report: {workspace.Loaded.Name}", inputs.CommandLine, header, Introduction(workspace), sections);
    }

    static ReportSection Section(ReportSectionId id, ReportWorkspace workspace, Action<string> status, CancellationToken cancellation) => id switch
    {
        ReportSectionId.SasVsCaa => SasVsCaaSection.Run(workspace, status, cancellation),
        ReportSectionId.DeltaCorrection => DeltaCorrectionSection.Run(workspace, status, cancellation),
        ReportSectionId.TauSweep => TauSweepSection.Run(workspace, status, cancellation),
        ReportSectionId.SaeWidth => SaeWidthSection.Run(workspace, status, cancellation),
        ReportSectionId.Composition => CompositionSection.Run(workspace, status, cancellation),
        ReportSectionId.EnrTopK => EnrTopKSection.Run(workspace, status, cancellation),
        ReportSectionId.SaeTs => SaeTsSection.Run(workspace, status, cancellation),
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "unknown section"),
    };

    static string Introduction(ReportWorkspace workspace) =>
        "This report re-runs the headline comparisons of three steering papers — SAS (Bayat et al. 2025, arXiv 2503.00177), "
        + "top-k ENR (Sparse Activation Steering with Mean Differences in Transformer Residual Streams) and SAE-TS (Chalnev et al. 2024, "
        + "arXiv 2411.02193) — on the model above, with the engine's own builders and evaluators. Every number below was produced by the "
        + "command in the header. The papers used billion-parameter chat models and LLM judges; this run uses "
        + $"{workspace.Loaded.Name}, so each section says plainly where its results agree with the paper's claim and where they do not.";
}
