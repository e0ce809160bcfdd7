using System.Diagnostics;
using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Report;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of a "report" job: the <c>report</c> verb's run on the built-in demo (the same inputs and
/// settings as <c>report [--quick] [--sections …]</c>, through <see cref="ReportDefaults"/>), returning report.md and
/// report.html as strings instead of writing files. The report's status lines become progress messages; the report
/// runner checks cancellation between its steps. The report loads the demo model itself (it is tiny), so no lease is
/// taken.</summary>
static class ReportJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<ReportJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the report job has no parameters");
        string modelName = request.Model ?? parameters.Model;
        if (!string.Equals(modelName, DemoAssets.ModelName, StringComparison.Ordinal))
            throw new ArgumentException($"reports run on the built-in demo model '{DemoAssets.ModelName}' only, not '{modelName}'");
        roots.Resolve(modelName); // the demo must be reachable from this engine's model roots, as for every other job
        var sections = parameters.Sections is { Length: > 0 } names ? ReportDefaults.ParseSections(names, "sections") : null;
        var settings = ReportDefaults.Settings(parameters.Quick, sections);
        var arguments = new List<string>();
        if (parameters.Quick) arguments.Add("--quick");
        if (sections is not null) arguments.AddRange(["--sections", string.Join(",", sections.Select(SectionArgument))]);
        var inputs = ReportInputs.Demo(Path.GetFullPath(ReportDefaults.CacheFolder), ReportDefaults.CommandLine(arguments));

        var clock = Stopwatch.StartNew();
        progress(new EngineJobProgress(request.JobId, 0, parameters.Quick ? "starting a quick report" : "starting the full report"));
        // The report does not count its steps, so progress stays at 0 until the end; the message says what it is doing.
        var document = ReportRunner.Run(inputs, settings,
            message => progress(new EngineJobProgress(request.JobId, 0, $"[{clock.Elapsed.TotalSeconds:F0} s] {message}")), cancellation);
        cancellation.ThrowIfCancellationRequested();
        var result = new ReportJobResult(MarkdownReportWriter.Write(document), HtmlReportWriter.Write(document), clock.Elapsed.TotalSeconds);
        return JsonSerializer.Serialize(result, EngineJobJson.Options);
    }

    /// <summary>The section's CLI word, for the command line in the report's header.</summary>
    static string SectionArgument(ReportSectionId id) => ReportDefaults.SectionNames.First(n => n.Value == id && n.Key.Length > 1).Key;
}
