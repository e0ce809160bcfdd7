using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using SteerLab.Client.Components;
using SteerLab.Client.Pages.Runs;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>The run page: each kind's results as charts (axis titles, legends) and tables, the judgements left out of
/// the means always counted, progress followed until the run is done, the editors' actions, exports, answers and
/// provenance.</summary>
public sealed class RunDetailPageTests
{
    static IRenderedComponent<RunDetailPage> Render(BunitContext ctx, Guid id, TimeSpan? poll = null) =>
        ctx.Render<RunDetailPage>(p => p.Add(r => r.Id, id).Add(r => r.PollInterval, poll ?? TimeSpan.FromHours(1)));

    static FakeRunService With(RunView view)
    {
        var runs = new FakeRunService();
        runs.Views[view.Summary.Id] = view;
        return runs;
    }

    /// <summary>What plotly.js is given to draw for the chart titled <paramref name="title"/> of the dense (α) or sparse
    /// (λ) vectors.</summary>
    static PlotlyChart Plot(IRenderedComponent<RunDetailPage> page, string title, bool sparse) =>
        page.FindComponents<CoefficientChart>()
            .Single(c => c.Instance.Title == title && c.Instance.XAxisTitle == (sparse ? "λ" : "α"))
            .FindComponent<PlotlyChart>().Instance;

    /// <summary>The chart's lines by name, as its legend shows them.</summary>
    static List<string> Legends(IRenderedComponent<RunDetailPage> page, string title, bool sparse) =>
        Plot(page, title, sparse).Data.Cast<Scatter>().Select(t => t.Name).ToList();

    static Scatter Trace(IRenderedComponent<RunDetailPage> page, string title, bool sparse, string name) =>
        Plot(page, title, sparse).Data.Cast<Scatter>().Single(t => t.Name == name);

    /// <summary>The value plotted at x = <paramref name="x"/>, and its error bar below and above.</summary>
    static (double Value, double Minus, double Plus) At(Scatter trace, double x)
    {
        int i = trace.X.IndexOf(x);
        Assert.True(i >= 0, $"no point at {x} in '{trace.Name}'");
        return ((double)trace.Y[i], (double)trace.ErrorY.ArrayMinus[i], (double)trace.ErrorY.Array[i]);
    }

    static void OpenTab(IRenderedComponent<RunDetailPage> page, string title) =>
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == title).Click();

    [Fact]
    public async Task AbSweep_DrawsDenseAndSparseCurvesOnOneChart_OnTheirOwnScales_WithTheMeansAndIntervals()
    {
        var view = RunViews.AbSweep();
        await using var ctx = RunsTestContext.New(With(view));

        var page = Render(ctx, view.Summary.Id);

        Assert.Equal("romance sweep", page.Find("[data-testid=run-title]").TextContent);
        Assert.Equal("A/B sweep", page.Find("[data-testid=run-kind-chip]").TextContent.Trim());
        // Dense vectors over α (bottom axis) and SAS vectors over λ (top axis) on one chart, each scale its own.
        var plot = page.FindComponent<CoefficientChart>().FindComponent<PlotlyChart>().Instance;
        Assert.Single(page.FindAll("[data-testid=sweep-chart]"));
        var traces = plot.Data.Cast<Scatter>().ToList();
        Assert.Equal(["romance CAA (α)", "romance SAS (λ)"], traces.Select(t => t.Name));
        Assert.Equal([null, "x2"], traces.Select(t => t.XAxis));
        Assert.Equal(["α (dense vectors)", "λ (SAS vectors)"], plot.Layout.XAxis.Select(a => a.Title.Text));
        Assert.Equal(("x", Plotly.Blazor.LayoutLib.XAxisLib.SideEnum.Top), (plot.Layout.XAxis[1].Overlaying, plot.Layout.XAxis[1].Side));
        Assert.Equal("p(matching), %", plot.Layout.YAxis[0].Title.Text);
        // In percent with the interval as error bars: 72 [66, 78] at α = 4, on a linear α axis.
        var (value, minus, plus) = At(traces[0], 4);
        Assert.Equal((72, 6, 6), (Math.Round(value, 9), Math.Round(minus, 9), Math.Round(plus, 9)));
        Assert.Equal([-4.0, 0.0, 4.0], traces[0].X.Cast<double>());
        // The numbers per kind in tables.
        Assert.Contains("[0.66, 0.78]", page.Find("[data-testid=sweep-group-dense]").TextContent);
        Assert.NotEmpty(page.FindAll("[data-testid=sweep-group-sparse] [data-testid=sweep-row]"));
    }

    [Fact]
    public async Task Exports_ArePlainDownloadLinks()
    {
        var view = RunViews.AbSweep();
        await using var ctx = RunsTestContext.New(With(view), role: TeamRoles.Viewer);

        var page = Render(ctx, view.Summary.Id);

        var csv = page.Find("[data-testid=run-export-csv]");
        Assert.Equal($"api/runs/{view.Summary.Id}/export?format=csv", csv.GetAttribute("href"));
        Assert.Equal("romance-sweep.csv", csv.GetAttribute("download"));
        Assert.Equal($"api/runs/{view.Summary.Id}/export?format=json", page.Find("[data-testid=run-export-json]").GetAttribute("href"));
    }

    [Fact]
    public async Task OpenEnded_ChartsBehaviourCoherenceAndProduct_BesideTheUnsteeredBaseline_AndCountsWhatWasLeftOut()
    {
        var view = RunViews.OpenEnded();
        await using var ctx = RunsTestContext.New(With(view));

        var page = Render(ctx, view.Summary.Id);

        var titles = page.FindAll("[data-testid=open-ended-group-dense] [data-testid=open-ended-chart]").Select(c => c.GetAttribute("data-chart-title")).ToList();
        Assert.Equal(["Behaviour", "Coherence", "Behaviour × coherence"], titles);
        Assert.Equal(3, page.FindAll("[data-testid=open-ended-group-sparse] [data-testid=open-ended-chart]").Count);
        Assert.Equal(["romance CAA", "unsteered"], Legends(page, "Behaviour", sparse: false));
        Assert.Equal("behaviour score, %", Plot(page, "Behaviour", sparse: false).Layout.YAxis[0].Title.Text);
        // Each point's 95% interval as error bars (mean 0.7 [0.6, 0.8] at α = 4); the unsteered line is a dashed reference.
        var (value, minus, plus) = At(Trace(page, "Behaviour", sparse: false, "romance CAA"), 4);
        Assert.Equal((70, 10, 10), (Math.Round(value, 9), Math.Round(minus, 9), Math.Round(plus, 9)));
        var unsteered = Trace(page, "Behaviour", sparse: false, "unsteered");
        Assert.Equal("dash", unsteered.Line.Dash);
        Assert.Null(unsteered.ErrorY);

        // Excluded judgements are counted at the top, by status, and at the point they belong to.
        Assert.Equal("2 unparseable", page.Find("[data-testid=count-unparseable]").TextContent.Trim());
        Assert.Equal("1 out of range", page.Find("[data-testid=count-out-of-range]").TextContent.Trim());
        Assert.Equal("3 failed", page.Find("[data-testid=count-failed]").TextContent.Trim());
        Assert.Equal("6 pending", page.Find("[data-testid=count-pending]").TextContent.Trim());
        Assert.Contains("left out of every mean", page.Find("[data-testid=judgement-counts]").TextContent);
        Assert.Equal("left out: 2 unparseable", page.Find("[data-testid=open-ended-group-dense] [data-testid=score-excluded]").TextContent.Trim());

        var rows = page.FindAll("[data-testid=open-ended-group-dense] [data-testid=open-ended-row]");
        Assert.Equal(3, rows.Count); // unsteered, α = −4, α = 4
        Assert.Contains("unsteered", rows[0].TextContent);
        Assert.Contains("0.700", rows[2].TextContent);
        Assert.Contains("[0.60, 0.80]", rows[2].TextContent);
        Assert.Contains("n = 4", rows[2].TextContent);
        Assert.Contains("12,345 prompt and 678 completion tokens", page.Find("[data-testid=open-ended-tokens]").TextContent);
    }

    [Fact]
    public async Task SideEffects_ChartsPerplexityInflationAndBenchmarkAccuracy_WithTheUnsteeredModel()
    {
        var view = RunViews.SideEffects();
        await using var ctx = RunsTestContext.New(With(view));

        var page = Render(ctx, view.Summary.Id);

        var titles = page.FindAll("[data-testid=side-effects-group-dense] [data-testid=side-effects-chart]").Select(c => c.GetAttribute("data-chart-title")).ToList();
        Assert.Equal(["Perplexity inflation", "Accuracy on mmlu"], titles);
        Assert.Equal(["romance CAA", "unsteered"], Legends(page, "Accuracy on mmlu", sparse: false));
        Assert.Equal(["romance SAS", "unsteered"], Legends(page, "Perplexity inflation", sparse: true));
        // Inflation 1.05 [1.03, 1.07] at λ = −16 and accuracy 0.5 [0.4, 0.6] at α = −4, in percent with error bars.
        var (inflation, below, above) = At(Trace(page, "Perplexity inflation", sparse: true, "romance SAS"), -16);
        Assert.Equal((105, 2, 2), (Math.Round(inflation, 9), Math.Round(below, 9), Math.Round(above, 9)));
        var (accuracy, minus, plus) = At(Trace(page, "Accuracy on mmlu", sparse: false, "romance CAA"), -4);
        Assert.Equal((50, 10, 10), (Math.Round(accuracy, 9), Math.Round(minus, 9), Math.Round(plus, 9)));
        var table = page.Find("[data-testid=side-effects-group-dense] [data-testid=side-effects-table]").TextContent;
        Assert.Contains("1.300", table);
        Assert.Contains("[1.280, 1.320]", table);
        Assert.Contains("0.600 [0.50, 0.70] (30/50)", table); // the unsteered accuracy
        Assert.Contains("16 windows of 64 tokens", page.Find("[data-testid=side-effects-summary]").TextContent);
    }

    [Fact]
    public async Task AWorkingRun_ShowsItsProgress_AndIsFollowedUntilItsResultsArrive()
    {
        var running = RunViews.AbSweep(JobState.Running);
        var done = RunViews.AbSweep() with { Summary = RunViews.AbSweep().Summary with { Id = running.Summary.Id } };
        var runs = new FakeRunService();
        var views = runs.ViewSequence[running.Summary.Id] = new Queue<RunView>([running]); // looked at again and again
        await using var ctx = RunsTestContext.New(runs);

        var page = Render(ctx, running.Summary.Id, TimeSpan.FromMilliseconds(10));

        Assert.Contains("romance SAS: λ = 0", page.Find("[data-testid=run-progress-message]").TextContent);
        Assert.NotNull(page.Find("[data-testid=run-no-results]"));
        page.WaitForAssertion(() => Assert.True(runs.GetCalls >= 3), TimeSpan.FromSeconds(10)); // still followed
        // The run finishes: enqueued on the renderer's dispatcher, where the page's looks run too.
        await page.InvokeAsync(() => views.Enqueue(done));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=sweep-result]")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-testid=run-progress]"));
        int calls = runs.GetCalls;
        await Task.Delay(100);
        Assert.Equal(calls, runs.GetCalls); // a finished run is not looked at again
    }

    [Fact]
    public async Task ServerSideJudging_ShowsHowManyJudgementsAndTokens()
    {
        var view = RunViews.OpenEnded(RunJudgingState.Running, new JudgingView(RunJudgingState.Running, 12, 40, "12/40 judgements", "team GPT", 3400, 120));
        await using var ctx = RunsTestContext.New(With(view));

        var page = Render(ctx, view.Summary.Id);

        var judging = page.Find("[data-testid=run-judging-progress]").TextContent;
        Assert.Contains("12 of 40 judgements", judging);
        Assert.Contains("3,400 prompt + 120 completion tokens", judging);
        Assert.Contains("judging", page.Find("[data-testid=run-judging]").TextContent);
    }

    [Fact]
    public async Task AnEditor_CancelsAWorkingRun_AndReRunsOpeningTheNewRun()
    {
        var view = RunViews.AbSweep(JobState.Running);
        var runs = With(view);
        await using var ctx = RunsTestContext.New(runs, role: TeamRoles.Editor);
        var page = Render(ctx, view.Summary.Id);

        page.Find("[data-testid=run-cancel]").Click();
        Assert.Equal([view.Summary.Id], runs.Cancelled);

        page.Find("[data-testid=run-rerun]").Click();
        Assert.Equal([view.Summary.Id], runs.Rerun);
        Assert.EndsWith($"/runs/{runs.RerunId}", ctx.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Theory]
    [InlineData(TeamRoles.Viewer)]
    [InlineData(TeamRoles.Reviewer)]
    public async Task ReadersWhoAreNotEditors_SeeNoCancelOrReRun(string role)
    {
        var view = RunViews.OpenEnded() with { Summary = RunViews.OpenEnded().Summary with { State = JobState.Running, Progress = 0.5 } };
        await using var ctx = RunsTestContext.New(With(view), role: role);

        var page = Render(ctx, view.Summary.Id);

        Assert.NotNull(page.Find("[data-testid=run-progress]"));
        Assert.Empty(page.FindAll("[data-testid=run-cancel]"));
        Assert.Empty(page.FindAll("[data-testid=run-rerun]"));
        Assert.NotNull(page.Find("[data-testid=run-export-csv]"));
        bool hasReviewTab = page.FindAll(".mud-tab").Any(t => t.TextContent.Trim() == "Review");
        Assert.Equal(role == TeamRoles.Reviewer, hasReviewTab);
    }

    [Fact]
    public async Task Answers_ShowTheTextCoefficientAndEachJudgement_WithTheJudgesRawText()
    {
        var view = RunViews.OpenEnded();
        var runs = With(view);
        runs.Answers.Add(new RunAnswerView(1, 0, "romance CAA", 0, "Tell me about your day.", null, "<b>It was</b> a quiet day.", "stop",
            new JudgementView("Scored", 3, "3", null, "team GPT", 100, 2), new JudgementView("Unparseable", null, "I'd say pretty good!", "no number found", "team GPT", 100, 6), null));
        runs.Answers.Add(new RunAnswerView(2, 0, "romance CAA", 0, "Tell me about your day.", 4, "Her heart raced as", "length", null, null, null));
        await using var ctx = RunsTestContext.New(runs);
        var page = Render(ctx, view.Summary.Id);

        OpenTab(page, "Answers");

        var rows = page.FindAll("[data-testid=run-answer-row]");
        Assert.Equal(2, rows.Count);
        Assert.Equal("unsteered", rows[0].QuerySelector("[data-testid=run-answer-lambda]")!.TextContent);
        Assert.Contains("<b>It was</b> a quiet day.", rows[0].QuerySelector("[data-testid=run-answer-text]")!.TextContent); // as text, not markup
        Assert.Equal(["3 / 10", "unparseable"], rows[0].QuerySelectorAll("[data-testid=judgement-status]").Select(c => c.TextContent.Trim()));
        Assert.Contains("I'd say pretty good!", rows[0].QuerySelectorAll("[data-testid=judgement-raw]")[1].TextContent);
        Assert.Equal("4", rows[1].QuerySelector("[data-testid=run-answer-lambda]")!.TextContent);
        Assert.Equal(["pending", "pending"], rows[1].QuerySelectorAll("[data-testid=judgement-status]").Select(c => c.TextContent.Trim()));
        Assert.Contains("cut at the token limit", rows[1].TextContent);
    }

    [Fact]
    public async Task Provenance_NamesTheModelVectorsDataSamplingAndJudge()
    {
        var view = RunViews.OpenEnded();
        await using var ctx = RunsTestContext.New(With(view));
        var page = Render(ctx, view.Summary.Id);

        OpenTab(page, "Provenance");

        var provenance = page.Find("[data-testid=run-provenance]").TextContent;
        Assert.Contains("sha256:c0ffee", provenance);
        Assert.Contains("0.9.0+abc1234", provenance);
        Assert.Contains("in-process", provenance);
        Assert.Equal("-16, 0, 16", page.Find("[data-testid=provenance-sparse-grid]").TextContent);
        var vectors = page.FindAll("[data-testid=provenance-vector]");
        Assert.Contains("111111111111", vectors[0].TextContent);
        Assert.Contains("demo/sae", vectors[1].TextContent);
        Assert.Contains("test set", page.Find("[data-testid=provenance-dataset]").TextContent);
        Assert.Contains("seed 1", page.Find("[data-testid=provenance-sampling]").TextContent);
        Assert.Contains("raw prompts", page.Find("[data-testid=provenance-sampling]").TextContent);
        Assert.Contains("team GPT (OpenAI-compatible judge), model gpt-judge at https://judge.lab.test/v1", page.Find("[data-testid=provenance-judge]").TextContent);
    }

    [Fact]
    public async Task ARunTheTeamDoesNotHave_IsNotFound()
    {
        await using var ctx = RunsTestContext.New(new FakeRunService());

        var page = Render(ctx, Guid.NewGuid());

        Assert.NotNull(page.Find("[data-testid=run-not-found]"));
    }
}
