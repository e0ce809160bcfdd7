using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using SteerLab.Client.Pages.Reports;
using SteerLab.Client.Tests.Components;
using SteerLab.Client.Tests.Pages.Models;
using SteerLab.Client.Tests.Pages.Vectors;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Models;
using SteerLab.Shared.Reports;

namespace SteerLab.Client.Tests.Pages.Reports;

/// <summary>The Reports page: an editor starts a quick report, follows its latest message, then reads the report in a
/// sandboxed iframe with .md/.html downloads; a viewer cannot start one; refusals are shown.</summary>
public sealed class ReportsPageTests
{
    const string Html = "<!DOCTYPE html><html><body><h2>a. SAS vs CAA</h2><svg width=\"10\"></svg></body></html>";
    const string Markdown = "# Report\n\n## a. SAS vs CAA\n";

    [Fact]
    public async Task StartingAQuickReport_ShowsItsProgress_ThenTheReportInASandboxedFrame_WithDownloads()
    {
        var reports = new FakeReportService();
        await using var ctx = NewContext(reports, TeamRoles.Editor);
        var page = ctx.Render<ReportsPage>(p => p.Add(r => r.PollInterval, TimeSpan.FromMilliseconds(10)));
        Assert.NotNull(page.Find("[data-testid=no-reports]"));
        Assert.Contains("12 minutes", page.Find("[data-testid=start-full]").TextContent);

        page.Find("[data-testid=start-quick]").Click();

        Assert.Equal([new ReportRequest(true)], reports.Started); // the built-in demo
        page.WaitForAssertion(() => Assert.Contains("SAS vs CAA: point 1/2", page.Find("[data-testid=report-message]").TextContent));
        Assert.NotNull(page.Find("[data-testid=report-progress]"));
        Assert.True(page.Find("[data-testid=start-quick]").HasAttribute("disabled"));
        Assert.Single(page.FindAll("[data-testid=report-table] tbody tr"));

        reports.Finish(new ReportJobResult(Markdown, Html, 6.2));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=report-frame]")), TimeSpan.FromSeconds(10));
        var frame = page.Find("[data-testid=report-frame]");
        Assert.Equal("", frame.GetAttribute("sandbox"));
        Assert.Equal(Html, frame.GetAttribute("srcdoc"));
        Assert.Equal("Succeeded", page.Find("[data-testid=report-state]").TextContent.Trim());
        Assert.Equal($"data:text/markdown;charset=utf-8;base64,{Convert.ToBase64String(Encoding.UTF8.GetBytes(Markdown))}",
            page.Find("[data-testid=download-md]").GetAttribute("href"));
        Assert.Equal("report.md", page.Find("[data-testid=download-md]").GetAttribute("download"));
        Assert.StartsWith("data:text/html;charset=utf-8;base64,", page.Find("[data-testid=download-html]").GetAttribute("href"));
        Assert.False(page.Find("[data-testid=start-quick]").HasAttribute("disabled"));
        Assert.Contains("Succeeded", page.Find("[data-testid=report-row-state]").TextContent);
    }

    [Theory]
    [InlineData(TeamRoles.Viewer)]
    [InlineData(TeamRoles.Reviewer)]
    public async Task AViewer_CannotStartAReport_ButSeesTheTeamsReports(string role)
    {
        var reports = new FakeReportService();
        reports.Add(JobState.Succeeded, new ReportJobResult(Markdown, Html, 5));
        await using var ctx = NewContext(reports, role);

        var page = ctx.Render<ReportsPage>();

        Assert.Empty(page.FindAll("[data-testid=start-quick]"));
        Assert.Empty(page.FindAll("[data-testid=start-full]"));
        page.Find("[data-testid=open-report]").Click();
        Assert.Equal(Html, page.Find("[data-testid=report-frame]").GetAttribute("srcdoc"));
    }

    [Fact]
    public async Task ARefusedStart_IsShownAsAnAlert()
    {
        var reports = new FakeReportService { StartError = "model: reports run on the built-in demo model only" };
        await using var ctx = NewContext(reports, TeamRoles.Editor);
        var page = ctx.Render<ReportsPage>();

        page.Find("[data-testid=start-quick]").Click();

        Assert.Contains("built-in demo model only", page.Find("[data-testid=reports-error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=report-job]"));
    }

    [Fact]
    public async Task AnotherModel_IsReportedWithTheChosenSaesAndDatasets_OfferingOnlySaesThatFitIt()
    {
        var reports = new FakeReportService();
        var models = new FakeModelsService { Overview = FakeModelsService.Empty() with
        {
            Models = [new ModelView("stories260K", "/models", "Llama", 64, 5, 512, 1_000_000, null), new ModelView("broken", "/models", null, null, null, null, null, "no config.json")],
            Saes = [new SaeView("stories-sae", "/models", "SAELens", "blocks.2.hook_resid_post", 64, 256, "relu", "stories260K", null),
                    new SaeView("gemma-sae", "/models", "Gemma Scope", "blocks.12.hook_resid_post", 2304, 16384, "jumprelu", "gemma-2-2b", null)],
        } };
        var dataset = new DatasetSummary(Guid.NewGuid(), "happy-vs-sad", "", DatasetPairKind.Completion, 40, "abc", DateTime.UtcNow);
        var datasets = new FakeDatasetService { Stored = (dataset, []) };
        await using var ctx = NewContext(reports, TeamRoles.Editor, models, datasets);
        var page = ctx.Render<ReportsPage>();

        var modelSelect = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Model");
        Assert.Empty(page.FindAll("[data-testid=report-saes]")); // the demo brings its own
        await page.InvokeAsync(() => modelSelect.Instance.ValueChanged.InvokeAsync("stories260K"));
        var saeSelect = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "SAE(s), at one hook");
        Assert.Equal(["stories-sae"], saeSelect.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value)); // not Gemma's
        await page.InvokeAsync(() => saeSelect.Instance.SelectedValuesChanged.InvokeAsync(["stories-sae"]));
        var datasetSelect = page.FindComponent<MudSelect<Guid>>();
        await page.InvokeAsync(() => datasetSelect.Instance.SelectedValuesChanged.InvokeAsync([dataset.Id]));

        page.Find("[data-testid=start-quick]").Click();

        var request = Assert.Single(reports.Started);
        Assert.Equal((true, "stories260K"), (request.Quick, request.Model));
        Assert.Equal(["stories-sae"], request.Saes!);
        Assert.Equal([dataset.Id], request.DatasetIds!);
    }

    static BunitContext NewContext(FakeReportService reports, string role, FakeModelsService? models = null, FakeDatasetService? datasets = null)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IReportService>(reports);
        ctx.Services.AddSingleton<IAccountService>(new FakeMemberAccount(role));
        ctx.Services.AddSingleton<IModelsService>(models ?? new FakeModelsService());
        ctx.Services.AddSingleton<IDatasetService>(datasets ?? new FakeDatasetService());
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}

/// <summary>Report jobs in memory: a start queues a running job with a progress message; <see cref="Finish"/> ends it.</summary>
internal sealed class FakeReportService : IReportService
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly List<JobView> jobs = [];

    public List<ReportRequest> Started { get; } = [];
    public string? StartError { get; init; }

    public Task<ReportStart> StartAsync(ReportRequest request, CancellationToken cancellationToken = default)
    {
        if (StartError is not null) return Task.FromResult(new ReportStart(null, StartError));
        Started.Add(request);
        return Task.FromResult(new ReportStart(Add(JobState.Running, null, request.Quick, "[3 s] SAS vs CAA: point 1/2"), null));
    }

    public JobView Add(JobState state, ReportJobResult? result, bool quick = true, string? message = null)
    {
        var job = new JobView(Guid.NewGuid(), EngineJobKinds.Report, "steerlab-brown-demo", state, state.IsFinal() ? 1 : 0, message, null, 1,
            "in-process", false, new DateTime(2026, 11, 24, 6, 0, 0, DateTimeKind.Utc), null, null,
            JsonSerializer.SerializeToElement(new ReportJobParameters("steerlab-brown-demo", quick), Json),
            result is null ? null : JsonSerializer.SerializeToElement(result, Json));
        lock (jobs) jobs.Insert(0, job);
        return job;
    }

    public void Finish(ReportJobResult result)
    {
        lock (jobs) jobs[0] = jobs[0] with { State = JobState.Succeeded, Progress = 1, Result = JsonSerializer.SerializeToElement(result, Json) };
    }

    public Task<JobView?> GetAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        lock (jobs) return Task.FromResult(jobs.FirstOrDefault(j => j.Id == jobId));
    }

    public Task<IReadOnlyList<ReportJobSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (jobs)
            return Task.FromResult<IReadOnlyList<ReportJobSummary>>(jobs.Select(j => new ReportJobSummary(j.Id, j.State,
                j.Parameters.GetProperty("quick").GetBoolean(), j.Progress, j.Message, j.Error, j.CreatedAt, j.FinishedAt)).ToList());
    }

    public Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public ReportJobResult? ResultOf(JobView job) =>
        job is { State: JobState.Succeeded, Result: { ValueKind: JsonValueKind.Object } result } ? result.Deserialize<ReportJobResult>(Json) : null;
}
