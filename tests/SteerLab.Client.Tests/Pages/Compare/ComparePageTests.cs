using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SteerLab.Client.Pages.Compare;
using SteerLab.Client.Tests.Components;
using SteerLab.Client.Tests.Pages.Vectors;
using SteerLab.Shared.Compare;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Compare;

/// <summary>The Compare page: vectors preselected from the query string, the heat map from the server, errors shown, and
/// a sweep run from its settings to its curves.</summary>
public sealed class ComparePageTests
{
    static readonly VectorSummary Caa = FakeVectorService.Summary("romance CAA", VectorMethods.Caa);
    static readonly VectorSummary Sas = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
    static readonly DatasetSummary AbSet = FakeDatasetService.Summary("romance A/B", 60) with { Kind = DatasetPairKind.AnswerChoice };

    static BunitContext NewContext(FakeCompareService compare, DatasetSummary? dataset = null)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var vectors = new FakeVectorService();
        vectors.Vectors.AddRange([Caa, Sas]);
        ctx.Services.AddSingleton<IVectorService>(vectors);
        ctx.Services.AddSingleton<ICompareService>(compare);
        ctx.Services.AddSingleton<IDatasetService>(new FakeDatasetService { Stored = dataset is null ? null : (dataset, []) });
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    static OverlapView TwoVectorView(IReadOnlyList<Guid> ids) => new(
        [new(ids[0], "romance CAA", "caa", false, null, 256, 256), new(ids[1], "romance SAS", "sas", true, "demo/sae", 10, 256)],
        OverlapSupport.All,
        [[new(1, OverlapMeasure.Cosine), new(0, OverlapMeasure.NotComparable, Reason: "a dense and a sparse vector")],
         [new(0, OverlapMeasure.NotComparable, Reason: "a dense and a sparse vector"), new(1, OverlapMeasure.Jaccard, 10, 10)]]);

    static IRenderedComponent<ComparePage> RenderWithIds(BunitContext ctx, string ids)
    {
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"compare?ids={ids}");
        return ctx.Render<ComparePage>();
    }

    static IRenderedComponent<SweepPanel> RenderSweep(BunitContext ctx, params VectorSummary[] vectors) =>
        ctx.Render<SweepPanel>(p => p.Add(s => s.Vectors, vectors).Add(s => s.PollInterval, TimeSpan.FromMilliseconds(10)));

    [Fact]
    public async Task IdsInTheQueryString_AreCompared_AndTheHeatMapShown()
    {
        var compare = new FakeCompareService { Overlap = (ids, _) => TwoVectorView(ids) };
        await using var ctx = NewContext(compare);

        var page = RenderWithIds(ctx, $"{Caa.Id},{Sas.Id}");

        var request = Assert.Single(compare.OverlapRequests);
        Assert.Equal([Caa.Id, Sas.Id], request.Ids);
        Assert.Equal(OverlapSupport.All, request.Support);
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=overlap-cell]").Count));
        Assert.Equal("romance CAA vs romance SAS: not comparable: a dense and a sparse vector",
            page.Find("[data-testid=overlap-cell][data-row='0'][data-column='1']").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task AnOverlapError_IsShownAsAnAlert()
    {
        var compare = new FakeCompareService { Overlap = (_, _) => throw new ArgumentException("the stored document of vector x cannot be read") };
        await using var ctx = NewContext(compare);

        var page = RenderWithIds(ctx, $"{Caa.Id}");

        Assert.Contains("cannot be read", page.Find("[data-testid=overlap-error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=overlap-heatmap]"));
    }

    [Fact]
    public async Task WithoutAnAbDataset_TheSweepSaysWhatToUpload()
    {
        await using var ctx = NewContext(new FakeCompareService { Overlap = (ids, _) => TwoVectorView(ids) });

        var page = RenderWithIds(ctx, $"{Caa.Id},{Sas.Id}");

        Assert.Contains("CAA format", page.Find("[data-testid=sweep-no-test-sets]").TextContent);
    }

    [Fact]
    public async Task Sweep_SendsBothGridsAndTheQuestionCap_FollowsTheJob_AndShowsACurvePerVector()
    {
        var compare = new FakeCompareService { Overlap = (ids, _) => TwoVectorView(ids) };
        compare.SweepStates.Enqueue(FakeCompareService.Job(JobState.Running, 0.5, "romance CAA: λ = 0"));
        compare.SweepStates.Enqueue(FakeCompareService.Job(JobState.Succeeded, 1, "done"));
        compare.Result = new SweepJobResult("steerlab-brown-demo", "romance A/B", 50, 60,
        [
            new(Caa.Id, "romance CAA", "caa", false, [new(-4, 0.31, 0.25, 0.37, 50), new(0, 0.5, 0.45, 0.55, 50), new(4, 0.72, 0.66, 0.78, 50)]),
            new(Sas.Id, "romance SAS", "sas", true, [new(-16, 0.4, 0.35, 0.45, 50), new(0, 0.5, 0.45, 0.55, 50), new(16, 0.61, 0.55, 0.67, 50)]),
        ]);
        await using var ctx = NewContext(compare, AbSet);
        var page = RenderSweep(ctx, Caa, Sas);

        page.Find("[data-testid=sweep-run]").Click();

        var request = Assert.Single(compare.SweepRequests);
        Assert.Equal([Caa.Id, Sas.Id], request.VectorIds);
        Assert.Equal(AbSet.Id, request.TestSetId);
        Assert.Equal(SweepRequest.DefaultDenseLambdas, request.DenseLambdas);
        Assert.Equal(SweepRequest.DefaultSparseLambdas, request.SparseLambdas);
        Assert.Equal(50, request.MaxQuestions);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=sweep-result]")), TimeSpan.FromSeconds(10));
        Assert.Single(page.FindAll("[data-testid=sweep-group-dense]"));
        Assert.Single(page.FindAll("[data-testid=sweep-group-sparse]"));
        Assert.Equal(2, page.FindAll("[data-testid=sweep-row]").Count);
        Assert.Contains("0.720", page.Find("[data-testid=sweep-group-dense]").TextContent);
        Assert.Contains("[0.66, 0.78]", page.Find("[data-testid=sweep-group-dense]").TextContent);
        Assert.Contains("50 of 60 questions", page.Find("[data-testid=sweep-summary]").TextContent);
    }

    [Fact]
    public async Task Sweep_ShowsTheServersFieldErrors_AndAFailedJob()
    {
        var compare = new FakeCompareService { Overlap = (ids, _) => TwoVectorView(ids) };
        compare.SweepErrors["testSetId"] = ["'plain' holds completion pairs; an A/B sweep needs A/B questions"];
        await using var ctx = NewContext(compare, AbSet);
        var page = RenderSweep(ctx, Caa);

        page.Find("[data-testid=sweep-run]").Click();

        // At the test-set field (its error text), not as a loose alert.
        Assert.Contains("needs A/B questions", page.Find(".mud-input-error").TextContent);
        Assert.Empty(page.FindAll("[data-testid=sweep-error]"));
        Assert.Empty(page.FindAll("[data-testid=sweep-job]"));

        compare.SweepErrors.Clear();
        compare.SweepStates.Enqueue(FakeCompareService.Job(JobState.Failed, 0.2, "failed", "this tokenizer does not encode the answer letter"));
        page.Find("[data-testid=sweep-run]").Click();

        page.WaitForAssertion(() => Assert.Contains("does not encode the answer letter", page.Find("[data-testid=sweep-failed]").TextContent), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("-4, -2, 0, 2, 4", new[] { -4.0, -2, 0, 2, 4 })]
    [InlineData("−8 0 8", new[] { -8.0, 0, 8 })]
    [InlineData("0.5;1e1", new[] { 0.5, 10 })]
    public void SweepGrid_ReadsCommaSpaceOrSemicolonSeparatedNumbers(string text, double[] expected) =>
        Assert.Equal(expected, SweepGrid.Parse(text).Lambdas);

    [Theory]
    [InlineData("", "at least one")]
    [InlineData("1, two, 3", "'two' is not a number")]
    [InlineData("1, NaN", "'NaN' is not a number")]
    public void SweepGrid_NamesTheBadEntry(string text, string problem) => Assert.Contains(problem, SweepGrid.Parse(text).Problem);
}
