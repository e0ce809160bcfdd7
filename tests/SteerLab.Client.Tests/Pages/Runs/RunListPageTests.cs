using Bunit;
using SteerLab.Client.Pages.Runs;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>The Runs list: every run with its kind, model, vectors, state and judging, author and a link to its page;
/// New run for editors only; errors shown; the list follows runs that are still working.</summary>
public sealed class RunListPageTests
{
    [Fact]
    public async Task ListsRuns_WithKindModelVectorsStateJudgingAndAuthor_LinkingToEachRunsPage()
    {
        var runs = new FakeRunService();
        var sweep = FakeRunService.Summary("romance sweep", RunKinds.AbSweep);
        var open = FakeRunService.Summary("romance answers", RunKinds.OpenEnded, JobState.Running, RunJudgingState.WaitingForAnswers, 0.4,
            "romance CAA: λ = 2, question 3 of 10");
        var failed = FakeRunService.Summary("broken", RunKinds.SideEffects, JobState.Failed, error: "held-out text is empty");
        runs.Runs.AddRange([open, sweep, failed]);
        await using var ctx = RunsTestContext.New(runs);

        var page = ctx.Render<RunListPage>(p => p.Add(l => l.PollInterval, TimeSpan.FromHours(1)));

        var rows = page.FindAll("[data-testid=run-table] tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["romance answers", "romance sweep", "broken"], page.FindAll("[data-testid=run-name]").Select(a => a.TextContent));
        Assert.Equal($"runs/{open.Id}", page.FindAll("[data-testid=run-name]")[0].GetAttribute("href"));
        Assert.Contains("Open-ended", rows[0].TextContent);
        Assert.Contains("steerlab-brown-demo", rows[0].TextContent);
        Assert.Equal("romance CAA, romance SAS", rows[0].QuerySelector("[data-testid=run-vectors]")!.TextContent);
        Assert.Contains("Running 40%", rows[0].QuerySelector("[data-testid=run-state]")!.TextContent);
        Assert.Contains("question 3 of 10", rows[0].QuerySelector("[data-testid=run-state-cell]")!.TextContent);
        Assert.Contains("waiting for answers", rows[0].QuerySelector("[data-testid=run-judging-cell]")!.TextContent);
        Assert.Contains("ada@lab.test", rows[0].TextContent);
        Assert.Contains("2026-11-24 09:30", rows[0].TextContent);
        Assert.Contains("A/B sweep", rows[1].TextContent);
        Assert.Equal("—", rows[1].QuerySelector("[data-testid=run-judging-cell]")!.TextContent.Trim());
        Assert.Contains("held-out text is empty", rows[2].TextContent);
    }

    [Theory]
    [InlineData(TeamRoles.Owner, true)]
    [InlineData(TeamRoles.Editor, true)]
    [InlineData(TeamRoles.Reviewer, false)]
    [InlineData(TeamRoles.Viewer, false)]
    public async Task NewRun_IsOfferedToEditorsAndOwnersOnly(string role, bool offered)
    {
        await using var ctx = RunsTestContext.New(new FakeRunService(), role: role);

        var page = ctx.Render<RunListPage>();

        Assert.Equal(offered, page.FindAll("[data-testid=new-run]").Count == 1);
        Assert.NotNull(page.Find("[data-testid=no-runs]"));
    }

    [Fact]
    public async Task AnErrorLoadingTheRuns_IsShownAsAnAlert()
    {
        var runs = new FakeRunService { ListFailure = new InvalidOperationException("the database is locked") };
        await using var ctx = RunsTestContext.New(runs);

        var page = ctx.Render<RunListPage>();

        Assert.Contains("the database is locked", page.Find("[data-testid=runs-error]").TextContent);
    }

    [Fact]
    public async Task WhileARunWorks_TheListIsLookedAtAgain_UntilNothingWorks()
    {
        var runs = new FakeRunService();
        var working = FakeRunService.Summary("sweep", RunKinds.AbSweep, JobState.Running, progress: 0.5);
        runs.Runs.Add(working);
        await using var ctx = RunsTestContext.New(runs);
        var page = ctx.Render<RunListPage>(p => p.Add(l => l.PollInterval, TimeSpan.FromMilliseconds(10)));
        Assert.Contains("Running 50%", page.Find("[data-testid=run-state]").TextContent);

        runs.Runs[0] = working with { State = JobState.Succeeded, Progress = 1 };

        page.WaitForAssertion(() => Assert.Contains("Succeeded", page.Find("[data-testid=run-state]").TextContent), TimeSpan.FromSeconds(10));
    }
}
