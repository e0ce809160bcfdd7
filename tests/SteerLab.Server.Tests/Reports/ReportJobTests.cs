using Microsoft.Extensions.DependencyInjection;
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

        Assert.Contains(errors["model"], e => e.Contains("built-in demo model"));
        Assert.Contains(errors["sections[2]"], e => e.Contains("'no-such-section' is not a report section"));
        Assert.False(errors.ContainsKey("sections[0]") || errors.ContainsKey("sections[1]"));
        await using var db = server.CreateDbContext();
        Assert.Empty(db.Jobs);
    }

    [Fact]
    public async Task QuickReport_RunsOnTheDemo_AndGivesMarkdownAndHtmlWithCharts()
    {
        await using var server = NewDemoServer();
        var reports = server.AdminServices.GetRequiredService<IReportService>();

        var start = await reports.StartAsync(quick: true);
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
