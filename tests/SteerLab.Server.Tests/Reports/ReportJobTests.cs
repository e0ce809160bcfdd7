using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Reports;
using static SteerLab.Server.Tests.Jobs.DemoEvaluationJobs;

namespace SteerLab.Server.Tests.Reports;

/// <summary>"report" jobs on the real host over the built-in demo: what POST /api/jobs refuses, and a quick report started
/// through IReportService and run by the in-process engine.</summary>
public sealed class ReportJobTests
{
    static readonly TimeSpan JobWait = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task CreateJob_RefusesAModelOtherThanTheDemo_AndUnknownSections()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();

        var errors = await PostExpecting400(client, EngineJobKinds.Report, new ReportJobParameters("stories260K", true, ["SasVsCaa", "a", "no-such-section"]));

        Assert.Contains(errors["model"], e => e.Contains("built-in demo model") && e.Contains("choose the SAE(s) and datasets"));
        Assert.Contains(errors["sections[2]"], e => e.Contains("'no-such-section' is not a report section"));
        Assert.False(errors.ContainsKey("sections[0]") || errors.ContainsKey("sections[1]"));
        await using var db = server.CreateDbContext();
        Assert.Empty(db.Jobs);
    }

    [Fact]
    public async Task CreateJob_WithChosenInputs_NamesEveryProblem()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();
        string pairs = File.ReadAllText(Path.Combine(DemoFolder, DemoAssets.DatasetFolderName, DemoContrast.RomanceVsPress.DatasetFileName));

        var errors = await PostExpecting400(client, EngineJobKinds.Report, new ReportJobParameters(DemoAssets.ModelName, true, Saes: ["no-such-sae"],
            Datasets: [new ReportDatasetParameters("genres", """[{"prompt": "x"}]"""), new ReportDatasetParameters("genres", pairs)]));
        var none = await PostExpecting400(client, EngineJobKinds.Report,
            new ReportJobParameters(DemoAssets.ModelName, true, Saes: [DemoAssets.SaeFolderName], Datasets: []));

        Assert.Contains(errors["saes[0]"], e => e.Contains("no-such-sae"));
        Assert.True(errors.ContainsKey("datasets[0]"), "a malformed dataset is refused at its index");
        Assert.False(errors.ContainsKey("datasets[1]"));
        Assert.Contains(errors["datasets"], e => e.Contains("same name"));
        Assert.Contains(none["datasets"], e => e.Contains("choose 1 to 4"));
        Assert.Equal(["datasets"], none.Keys); // the demo SAE is found under the roots
    }

    [Fact]
    public async Task ReportService_SendsTheTeamsDatasetsWithTheChosenModelAndSae_AndRefusesAnUnknownDataset()
    {
        await using var server = NewDemoServer();
        var reports = server.AdminServices.GetRequiredService<IReportService>();
        Guid datasetId;
        string name, pairsJson;
        await using (var db = server.CreateDbContext())
            (datasetId, name, pairsJson) = db.Datasets.AsEnumerable().Select(d => (d.Id, d.Name, d.PairsJson)).First(); // seeded with the demo

        var unknown = await reports.StartAsync(new ReportRequest(true, DemoAssets.ModelName, [DemoAssets.SaeFolderName], [Guid.NewGuid()]));
        var start = await reports.StartAsync(new ReportRequest(true, DemoAssets.ModelName, [DemoAssets.SaeFolderName], [datasetId]));

        Assert.False(unknown.Started);
        Assert.Contains("there is no dataset", unknown.Error);
        Assert.True(start.Started, start.Error);
        await using var check = server.CreateDbContext();
        var parameters = System.Text.Json.JsonSerializer.Deserialize<ReportJobParameters>(
            check.Jobs.Single(j => j.Id == start.Job!.Id).ParametersJson, SteerLab.Engine.Worker.EngineJobJson.Options)!;
        Assert.Equal([DemoAssets.SaeFolderName], parameters.Saes!);
        Assert.Equal(name, Assert.Single(parameters.Datasets!).Name);
        Assert.Equal(pairsJson, parameters.Datasets![0].PairsJson);
        Assert.Equal($"{DemoAssets.ModelName} · SAE {DemoAssets.SaeFolderName} · datasets {name}",
            (await reports.ListAsync()).Single(r => r.Id == start.Job!.Id).Inputs);
        await reports.CancelAsync(start.Job!.Id);
    }

    [Fact]
    public async Task QuickReport_RunsOnTheDemo_AndGivesMarkdownAndHtmlWithCharts()
    {
        await using var server = NewDemoServer();
        var reports = server.AdminServices.GetRequiredService<IReportService>();

        var start = await reports.StartAsync(new ReportRequest(Quick: true));
        Assert.True(start.Started, start.Error);
        var job = start.Job!;
        var deadline = DateTime.UtcNow + JobWait;
        while (!job.State.IsFinal() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            job = await reports.GetAsync(job.Id) ?? throw new InvalidOperationException("the report job vanished");
        }

        Assert.True(job.State == JobState.Succeeded, $"{job.State}: {job.Error} ({job.Message})");
        var report = reports.ResultOf(job)!;
        Assert.Contains("## a.", report.Markdown);
        Assert.Contains("<svg", report.Html);
        Assert.Contains("--quick", report.Markdown);
        Assert.True(report.Seconds > 0);
        var listed = Assert.Single(await reports.ListAsync());
        Assert.Equal((job.Id, JobState.Succeeded, true), (listed.Id, listed.State, listed.Quick));
    }
}
