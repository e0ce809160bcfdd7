namespace SteerLab.Shared.Engine;

/// <summary>Parameters of a "report" job: the engine's <c>report</c> verb (the SAS, top-k ENR and SAE-TS papers' headline
/// comparisons) on the built-in demo, as <c>report [--quick] [--sections …]</c> runs it.</summary>
/// <param name="Model">The model, as a name under a model root. Only the built-in demo model ("steerlab-brown-demo")
/// is supported for now, as the CLI's default: the report also needs the demo's SAE, genre datasets and classifier.</param>
/// <param name="Quick">A tiny run (seconds; for a look, not for reading the numbers); false runs the full report
/// (about 12 minutes on 2 cores).</param>
/// <param name="Sections">The sections to run, as ReportSectionId names ("SasVsCaa") or the CLI's names ("a",
/// "sas-vs-caa"); null or empty runs all.</param>
public sealed record ReportJobParameters(string Model, bool Quick = true, string[]? Sections = null);

/// <summary>What a "report" job produced: the report as report.md and as a self-contained report.html (inline SVG
/// charts, no scripts) would hold it.</summary>
/// <param name="Seconds">How long the report took on the engine.</param>
public sealed record ReportJobResult(string Markdown, string Html, double Seconds);
