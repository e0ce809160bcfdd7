using System.Diagnostics;
using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Report;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of a "report" job: the <c>report</c> verb's run (the same inputs and settings as
/// <c>report [--model … --sae … --dataset …] [--quick] [--sections …]</c>, through <see cref="ReportDefaults"/>) on the
/// built-in demo or on the model, SAE(s) and datasets the job names (the datasets are written to a temporary folder, as
/// the report reads files), returning report.md and report.html as strings instead of writing files. The report's
/// status lines become progress messages; the report runner checks cancellation between its steps. The report loads
/// its model itself, so no lease is taken.</summary>
static class ReportJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<ReportJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the report job has no parameters");
        string modelName = request.Model ?? parameters.Model;
        if (parameters.UsesDemoInputs && !string.Equals(modelName, DemoAssets.ModelName, StringComparison.Ordinal))
            throw new ArgumentException($"without SAEs and datasets a report runs on the built-in demo model '{DemoAssets.ModelName}', not '{modelName}'");
        string modelFolder = roots.Resolve(modelName); // the model must be reachable from this engine's model roots, as for every other job
        var sections = parameters.Sections is { Length: > 0 } names ? ReportDefaults.ParseSections(names, "sections") : null;
        var settings = ReportDefaults.Settings(parameters.Quick, sections);
        var arguments = new List<string>();
        if (parameters.Quick) arguments.Add("--quick");
        if (sections is not null) arguments.AddRange(["--sections", string.Join(",", sections.Select(SectionArgument))]);

        string? datasetFolder = null;
        try
        {
            ReportInputs inputs;
            if (parameters.UsesDemoInputs) inputs = ReportInputs.Demo(Path.GetFullPath(ReportDefaults.CacheFolder), ReportDefaults.CommandLine(arguments));
            else
            {
                var saes = (parameters.Saes ?? []).Select(roots.ResolveSae).ToList();
                datasetFolder = Path.Combine(Path.GetTempPath(), $"steerlab-report-{request.JobId:N}");
                var datasets = ReportDatasetFiles.Write(parameters.Datasets ?? [], datasetFolder);
                arguments.InsertRange(0, ["--model", modelName, "--sae", .. parameters.Saes ?? [], "--dataset", .. datasets.Select(path => Path.GetFileName(path))]);
                inputs = new ReportInputs
                {
                    ModelFolder = modelFolder, SaeFolders = saes, DatasetPaths = datasets,
                    ClassifierPath = DemoAssets.FindFolder() is { } demo ? Path.Combine(demo, GenreClassifier.FileName) : null,
                    CacheFolder = Path.GetFullPath(ReportDefaults.CacheFolder), CommandLine = ReportDefaults.CommandLine(arguments),
                };
            }
            return Run(request, parameters, inputs, settings, progress, cancellation);
        }
        finally
        {
            if (datasetFolder is not null)
                try { Directory.Delete(datasetFolder, recursive: true); } catch (IOException) { } // a temporary copy only
        }
    }

    static string Run(EngineJobRequest request, ReportJobParameters parameters, ReportInputs inputs, ReportSettings settings,
        Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
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
