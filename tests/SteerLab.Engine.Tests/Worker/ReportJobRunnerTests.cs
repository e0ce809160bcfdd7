using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;
using Xunit.Abstractions;

namespace SteerLab.Engine.Tests.Worker;

/// <summary>"report" jobs through <see cref="EngineJobExecutor"/> with inputs the caller chose (the demo folder as the
/// model root): a model, an SAE by name and a dataset that came with the job as pairs JSON, as the Reports page sends
/// them — one quick section, to keep it short.</summary>
public sealed class ReportJobRunnerTests(ITestOutputHelper output)
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");

    static string DemoDatasetJson(DemoContrast contrast) => File.ReadAllText(Path.Combine(DemoFolder, DemoAssets.DatasetFolderName, contrast.DatasetFileName));

    static EngineJobResult Execute(ReportJobParameters parameters)
    {
        using var models = new LoadedModels();
        var executor = new EngineJobExecutor(new ModelRoots([DemoFolder]), models);
        var request = new EngineJobRequest(Guid.NewGuid(), EngineJobKinds.Report, parameters.Model, JsonSerializer.Serialize(parameters, EngineJobJson.Options), 1);
        return executor.Execute(request, _ => { }, CancellationToken.None);
    }

    [Fact]
    public void ChosenSaeAndDataset_AreWhatTheReportReadsAndNames_AndItsTemporaryFilesAreGone()
    {
        var parameters = new ReportJobParameters(DemoAssets.ModelName, Quick: true, Sections: ["a"], Saes: [DemoAssets.SaeFolderName],
            Datasets: [new ReportDatasetParameters("my genres: press/romance", DemoDatasetJson(DemoContrast.RomanceVsPress))]);

        var result = Execute(parameters);

        Assert.True(result.Status == EngineJobStatus.Succeeded, $"{result.Status}: {result.Error}");
        var report = JsonSerializer.Deserialize<ReportJobResult>(result.ResultJson!, EngineJobJson.Options)!;
        output.WriteLine(report.Markdown[..Math.Min(3000, report.Markdown.Length)]);
        // The dataset's name (made safe as a file name) names the contrast and stands in the command line, with the model
        // and SAE; no classifier knows it, so the effect is the held-out log-likelihood gap.
        Assert.Contains("my genres_ press_romance", report.Markdown);
        Assert.Contains($"--model {DemoAssets.ModelName} --sae {DemoAssets.SaeFolderName} --dataset", report.Markdown);
        Assert.Contains("gap shift", report.Markdown);
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "steerlab-report-*"), d => Directory.GetCreationTimeUtc(d) > DateTime.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public void WithoutSaesAndDatasets_AModelOtherThanTheDemo_IsRefused()
    {
        var result = Execute(new ReportJobParameters("some-other-model", Quick: true));

        Assert.Equal(EngineJobStatus.Failed, result.Status);
        Assert.Contains("built-in demo model", result.Error);
    }
}
