using Bunit;
using SteerLab.Client.Pages.Runs;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Runs;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>Blind review (no judge score, no coefficient, the reviewer's own 0–10 score posted) and judge–human
/// agreement (ρ, κ, n per rubric item; the largest disagreements).</summary>
public sealed class ReviewAndAgreementTests
{
    static IRenderedComponent<RunDetailPage> RenderTab(BunitContext ctx, RunView view, string tab)
    {
        var page = ctx.Render<RunDetailPage>(p => p.Add(r => r.Id, view.Summary.Id).Add(r => r.PollInterval, TimeSpan.FromHours(1)));
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == tab).Click();
        return page;
    }

    static FakeRunService RunWithJudgedAnswers(RunView view)
    {
        var runs = new FakeRunService();
        runs.Views[view.Summary.Id] = view;
        // What the judge said about the answers under review: none of it may reach the review panel.
        runs.Answers.Add(new RunAnswerView(41, 0, "romance CAA", 2, "What did the letter say?", 7.25, "Darling, I cannot wait to see you again.", "stop",
            new JudgementView("Scored", 9, "9", null, "team GPT", 1, 1), new JudgementView("Scored", 6, "6", null, "team GPT", 1, 1), null));
        runs.ReviewItems.Enqueue(new ReviewItem(41, RubricItems.Behaviour, "What did the letter say?", "Darling, I cannot wait to see you again.",
            "reads like romance fiction", 3, 5));
        runs.ReviewItems.Enqueue(new ReviewItem(17, RubricItems.Coherence, "Tell me about your day.", "The the the market rose.",
            "reads like romance fiction", 2, 5));
        return runs;
    }

    [Fact]
    public async Task Review_IsBlind_AndPostsTheChosenScore_ThenShowsTheNextAnswer()
    {
        var view = RunViews.OpenEnded();
        var runs = RunWithJudgedAnswers(view);
        await using var ctx = RunsTestContext.New(runs, role: TeamRoles.Reviewer);
        var page = RenderTab(ctx, view, "Review");

        var panel = page.Find("[data-testid=review-panel]");
        Assert.Equal("What did the letter say?", page.Find("[data-testid=review-question]").TextContent);
        Assert.Equal("Darling, I cannot wait to see you again.", page.Find("[data-testid=review-answer]").TextContent);
        Assert.Equal("reads like romance fiction", page.Find("[data-testid=review-behaviour]").TextContent);
        Assert.Equal("Behaviour", page.Find("[data-testid=review-item]").TextContent);
        Assert.Contains("3 of 5 left", page.Find("[data-testid=review-progress]").TextContent);
        foreach (string giveaway in new[] { "7.25", "λ", "α", "unsteered", "steered", "/ 10", "team GPT", "judge" })
            Assert.DoesNotContain(giveaway, panel.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.True(page.Find("[data-testid=review-submit]").HasAttribute("disabled")); // nothing chosen yet

        page.Find("[data-testid=review-score-8]").Click();
        page.Find("[data-testid=review-submit]").Click();

        Assert.Equal([new ReviewScoreRequest(41, RubricItems.Behaviour, 8)], runs.Reviews);
        page.WaitForAssertion(() => Assert.Equal("The the the market rose.", page.Find("[data-testid=review-answer]").TextContent));
        Assert.Equal("Coherence", page.Find("[data-testid=review-item]").TextContent);
        Assert.True(page.Find("[data-testid=review-submit]").HasAttribute("disabled")); // the score is chosen afresh

        page.Find("[data-testid=review-score-0]").Click();
        page.Find("[data-testid=review-submit]").Click();
        Assert.Equal(new ReviewScoreRequest(17, RubricItems.Coherence, 0), runs.Reviews[^1]);
        page.WaitForAssertion(() => Assert.Contains("scored every answer", page.Find("[data-testid=review-done]").TextContent));
    }

    [Fact]
    public async Task Review_ShowsTheServersRefusal_AndKeepsTheAnswer()
    {
        var view = RunViews.OpenEnded();
        var runs = RunWithJudgedAnswers(view);
        runs.ReviewErrors["score"] = ["must be between 0 and 10"];
        await using var ctx = RunsTestContext.New(runs, role: TeamRoles.Owner);
        var page = RenderTab(ctx, view, "Review");

        page.Find("[data-testid=review-score-10]").Click();
        page.Find("[data-testid=review-submit]").Click();

        Assert.Contains("score: must be between 0 and 10", page.Find("[data-testid=review-error]").TextContent);
        Assert.Equal("What did the letter say?", page.Find("[data-testid=review-question]").TextContent);
    }

    [Fact]
    public async Task Agreement_ShowsRhoKappaAndNPerItem_AndTheLargestDisagreements()
    {
        var view = RunViews.OpenEnded();
        var runs = new FakeRunService { Views = { [view.Summary.Id] = view } };
        runs.Agreement = new AgreementView(
            [new(RubricItems.Behaviour, 12, 0.8312, 0.7149, null), new(RubricItems.Coherence, 1, null, null, "fewer than 2 answers reviewed")],
            [new(41, RubricItems.Behaviour, "What did the letter say?", "Darling, I cannot wait.", 4, 9, 2.5, 2, 6.5)], 2);
        await using var ctx = RunsTestContext.New(runs, role: TeamRoles.Viewer);

        var page = RenderTab(ctx, view, "Agreement");

        var behaviour = page.Find("[data-testid=agreement-row][data-item=behaviour]");
        Assert.Equal("12", behaviour.QuerySelector("[data-testid=agreement-n]")!.TextContent);
        Assert.Equal("0.83", behaviour.QuerySelector("[data-testid=agreement-rho]")!.TextContent);
        Assert.Equal("0.71", behaviour.QuerySelector("[data-testid=agreement-kappa]")!.TextContent);
        var coherence = page.Find("[data-testid=agreement-row][data-item=coherence]");
        Assert.Equal("—", coherence.QuerySelector("[data-testid=agreement-rho]")!.TextContent);
        Assert.Contains("fewer than 2 answers reviewed", coherence.TextContent);
        Assert.Contains("2 reviewers", page.Find("[data-testid=agreement-reviewers]").TextContent);
        var disagreement = Assert.Single(page.FindAll("[data-testid=disagreement-row]"));
        Assert.Contains("Darling, I cannot wait.", disagreement.TextContent);
        Assert.Contains("2.5", disagreement.TextContent);
        Assert.Equal("6.5", disagreement.QuerySelector("[data-testid=disagreement-difference]")!.TextContent);
    }
}
