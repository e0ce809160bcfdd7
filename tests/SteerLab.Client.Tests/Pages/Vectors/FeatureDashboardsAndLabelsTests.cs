using System.Text.Json;
using Bunit;
using SteerLab.Client.Pages.Vectors;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Features;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

/// <summary>The detail page of a sparse vector: labels next to its top features, edited in place; feature dashboards run
/// as a job with progress and Cancel, then one card per feature with model text shown as text.</summary>
public sealed class FeatureDashboardsAndLabelsTests
{
    const string SaeId = "test-saes/blocks.2.hook_resid_post";

    private static VectorDetail SparseDetail(VectorSummary summary) => new(
        summary, summary.Id.ToString("N"), "", "", [], DModel: 64, Layer: 2, Length: 256,
        new VectorNorms(3.75, 2.42, 3, 2, 1),
        new VectorProvenance("stories260K", null, new VectorDatasetReference("romance-vs-press", "abc", 40),
            new VectorSaeReference("test-saes", "blocks.2.hook_resid_post", 256, null), "tester", DateTimeOffset.UnixEpoch, null, null),
        [new(200, 2f), new(17, -1.25f), new(3, 0.5f)]);

    private static FeatureDashboardJobResult Result() => new("dataset \"romance-vs-press\": prompts with completions (80 texts)", 80, 1234, 0,
    [
        new(200, 37, 37 / 1234.0, 4.5, 2.1, new ActivationHistogram(0.5, [0, 3, 10, 20, 4]),
            [new(4, 4.5, ["She", " kissed", " <b>him</b>", "\n"], 2)],
            [new(11, " love", 0.8)], [new(12, " report", -0.6)]),
        new(17, 0, 0, 0, 0, new ActivationHistogram(0, [0, 0, 0, 0]), [], [], []),
    ]);

    [Fact]
    public async Task Labels_AreShownNextToTopFeatures_AndEditedInPlace()
    {
        var summary = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var labels = new FakeFeatureLabelService { Labels = { [(SaeId, 17)] = new(17, "press words", FeatureLabelSources.Import, DateTime.UtcNow) } };
        await using var ctx = VectorTestContext.New(new FakeVectorService { Details = { [summary.Id] = SparseDetail(summary) } }, labels);

        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        Assert.Equal("press words", page.Find("[data-testid=label-text]").TextContent);
        Assert.NotNull(page.Find("[data-testid=import-labels]"));
        page.FindAll("[data-testid=label-edit]")[0].Click(); // feature 200, the largest
        page.Find("input[data-testid=label-input]").Input("romance");
        page.Find("[data-testid=label-save]").Click();

        page.WaitForAssertion(() => Assert.Equal((SaeId, 200, "romance"), Assert.Single(labels.Sets)));
        page.WaitForAssertion(() => Assert.Equal(["romance", "press words"], page.FindAll("[data-testid=label-text]").Select(e => e.TextContent)));
    }

    [Fact]
    public async Task AFailedLabelSave_IsShownAtTheField()
    {
        var summary = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var labels = new FakeFeatureLabelService { SetFailure = new ArgumentException("a label is at most 500 characters") };
        await using var ctx = VectorTestContext.New(new FakeVectorService { Details = { [summary.Id] = SparseDetail(summary) } }, labels);
        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        page.FindAll("[data-testid=label-edit]")[0].Click();
        page.Find("[data-testid=label-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("at most 500 characters", page.Find("[data-testid=label-error]").TextContent));
    }

    [Fact]
    public async Task Dashboards_RunAsAJobWithProgressAndCancel_ThenShowACardPerFeature()
    {
        var summary = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var dashboards = new FakeFeatureDashboardService { Result = Result() };
        var labels = new FakeFeatureLabelService { Labels = { [(SaeId, 200)] = new(200, "romance", FeatureLabelSources.User, DateTime.UtcNow) } };
        await using var ctx = VectorTestContext.New(new FakeVectorService { Details = { [summary.Id] = SparseDetail(summary) } }, labels, dashboards);
        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        page.Find("[data-testid=dashboards-run]").Click();
        Assert.Equal([summary.Id], dashboards.Started);
        var jobId = dashboards.Job!.Id;
        dashboards.Job = FakeFeatureDashboardService.NewJob(JobState.Running, 0.4, jobId);
        page.WaitForAssertion(() => Assert.Contains("text 3/10", page.Find("[data-testid=dashboards-status]").TextContent), TimeSpan.FromSeconds(5));
        page.Find("[data-testid=dashboards-cancel]").Click();
        Assert.Equal([jobId], dashboards.Cancelled);

        dashboards.Job = FakeFeatureDashboardService.NewJob(JobState.Succeeded, 1, jobId);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=feature-card]").Count), TimeSpan.FromSeconds(5));
        Assert.Contains("romance-vs-press", page.Find("[data-testid=dashboards-corpus]").TextContent);
        Assert.Contains("1,234 tokens", page.Find("[data-testid=dashboards-corpus]").TextContent);
        var card = page.FindAll("[data-testid=feature-card]")[0];
        Assert.Equal("Feature 200", card.QuerySelector("[data-testid=feature-card-title]")!.TextContent);
        Assert.Equal("romance", card.QuerySelector("[data-testid=feature-card-label]")!.TextContent.Trim());
        Assert.Contains("3 %", card.QuerySelector("[data-testid=feature-card-frequency]")!.TextContent);
        // The marked token is model text: shown literally, never as markup.
        var marked = card.QuerySelector("[data-testid=feature-context-marked]")!;
        Assert.Equal(" <b>him</b>", marked.TextContent);
        Assert.Empty(card.QuerySelectorAll("b"));
        Assert.Contains("↵", card.QuerySelector("[data-testid=feature-context]")!.TextContent);
        Assert.Contains("love", card.QuerySelector("[data-testid=feature-card-promoted]")!.TextContent);
        Assert.Contains("report", card.QuerySelector("[data-testid=feature-card-suppressed]")!.TextContent);
        Assert.NotNull(page.FindAll("[data-testid=feature-card]")[1].QuerySelector("[data-testid=feature-card-silent]"));
    }

    [Fact]
    public async Task ARefusedDashboardRun_ShowsWhy_AndDenseVectorsOfferNone()
    {
        var sparse = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var dashboards = new FakeFeatureDashboardService { RefuseWith = "the vector's dataset \"x\" is not in the library" };
        await using var ctx = VectorTestContext.New(new FakeVectorService { Details = { [sparse.Id] = SparseDetail(sparse) } }, dashboards: dashboards);
        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, sparse.Id));

        page.Find("[data-testid=dashboards-run]").Click();

        page.WaitForAssertion(() => Assert.Contains("is not in the library", page.Find("[data-testid=dashboards-error]").TextContent));

        var dense = FakeVectorService.Summary("romance CAA", VectorMethods.Caa);
        var denseDetail = SparseDetail(dense) with { Provenance = SparseDetail(dense).Provenance with { Sae = null } };
        await using var denseCtx = VectorTestContext.New(new FakeVectorService { Details = { [dense.Id] = denseDetail } });
        var densePage = denseCtx.Render<VectorDetailPage>(p => p.Add(v => v.Id, dense.Id));
        Assert.Empty(densePage.FindAll("[data-testid=feature-dashboards]"));
        Assert.Empty(densePage.FindAll("[data-testid=import-labels]"));
    }

    [Fact]
    public async Task AnEarlierRun_IsShownWhenThePageOpens()
    {
        var summary = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var dashboards = new FakeFeatureDashboardService { Result = Result(), Latest = FakeFeatureDashboardService.NewJob(JobState.Succeeded, 1) };
        await using var ctx = VectorTestContext.New(new FakeVectorService { Details = { [summary.Id] = SparseDetail(summary) } }, dashboards: dashboards);

        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=feature-card]").Count));
        Assert.Contains("Compute again", page.Find("[data-testid=dashboards-run]").TextContent);
    }
}
