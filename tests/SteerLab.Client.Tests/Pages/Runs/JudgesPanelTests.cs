using Bunit;
using MudBlazor;
using SteerLab.Client.Pages.Runs.Judges;
using SteerLab.Shared.Accounts;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>The Team page's judges: listed with "key set" (never a key), added and changed in a dialog whose key field
/// is write-only, deleted after confirmation, tested; editors only for changes.</summary>
public sealed class JudgesPanelTests
{
    const string Secret = "sk-live-do-not-show-4242";

    [Fact]
    public async Task AddingAJudge_SendsItsKeyOnce_AndNeitherListNorDialogEverShowsIt()
    {
        var judges = new FakeJudgeSettingsService();
        await using var ctx = RunsTestContext.New(new FakeRunService(), judges: judges, role: TeamRoles.Editor);
        var dialogs = ctx.Render<MudDialogProvider>();
        var panel = ctx.Render<JudgesPanel>();
        Assert.NotNull(panel.Find("[data-testid=no-judges]"));

        panel.Find("[data-testid=judge-add]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=judge-dialog]")));
        Assert.Equal("password", dialogs.Find("input[data-testid=judge-api-key]").GetAttribute("type"));
        dialogs.Find("input[data-testid=judge-name]").Change("team GPT");
        dialogs.Find("input[data-testid=judge-base-url]").Change("https://judge.lab.test/v1");
        dialogs.Find("input[data-testid=judge-model]").Change("gpt-judge");
        dialogs.Find("input[data-testid=judge-api-key]").Change(Secret);
        dialogs.Find("[data-testid=judge-save]").Click();

        var saved = Assert.Single(judges.Saved);
        Assert.Equal((null, "team GPT", "https://judge.lab.test/v1", "gpt-judge", Secret), (saved.Id, saved.Name, saved.BaseUrl, saved.Model, saved.ApiKey));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=judge-row]")));
        Assert.Equal("set", panel.Find("[data-testid=judge-key]").TextContent.Trim());
        Assert.DoesNotContain(Secret, panel.Markup);
        Assert.DoesNotContain(Secret, dialogs.Markup);

        // Editing starts with an empty key field; leaving it empty keeps the stored key (ApiKey null).
        panel.Find("[data-testid=judge-edit]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=judge-dialog]")));
        Assert.True(string.IsNullOrEmpty(dialogs.Find("input[data-testid=judge-api-key]").GetAttribute("value")));
        Assert.DoesNotContain(Secret, dialogs.Markup);
        dialogs.Find("input[data-testid=judge-max-concurrency]").Change("8");
        dialogs.Find("[data-testid=judge-save]").Click();

        var edited = judges.Saved[^1];
        Assert.Equal(judges.Judges[0].Id, edited.Id);
        Assert.Null(edited.ApiKey);
        Assert.Equal(8, edited.MaxConcurrency);
        panel.WaitForAssertion(() => Assert.Contains("8 at once", panel.Find("[data-testid=judge-row]").TextContent));
    }

    [Fact]
    public async Task RemovingTheKey_SendsAnEmptyKey()
    {
        var judges = new FakeJudgeSettingsService { Judges = { FakeJudgeSettingsService.Judge("team GPT") } };
        await using var ctx = RunsTestContext.New(new FakeRunService(), judges: judges, role: TeamRoles.Owner);
        var dialogs = ctx.Render<MudDialogProvider>();
        var panel = ctx.Render<JudgesPanel>();

        panel.Find("[data-testid=judge-edit]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=judge-remove-key]")));
        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));
        dialogs.Find("[data-testid=judge-save]").Click();

        Assert.Equal("", Assert.Single(judges.Saved).ApiKey);
        panel.WaitForAssertion(() => Assert.Equal("not set", panel.Find("[data-testid=judge-key]").TextContent.Trim()));
    }

    [Fact]
    public async Task TheServersFieldErrors_AreShownInTheDialog()
    {
        var judges = new FakeJudgeSettingsService { SaveErrors = { ["baseUrl"] = ["must be an absolute http(s) URL"] } };
        await using var ctx = RunsTestContext.New(new FakeRunService(), judges: judges);
        var dialogs = ctx.Render<MudDialogProvider>();
        var panel = ctx.Render<JudgesPanel>();

        panel.Find("[data-testid=judge-add]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=judge-dialog]")));
        dialogs.Find("[data-testid=judge-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("must be an absolute http(s) URL", dialogs.Find(".mud-input-error").TextContent));
    }

    [Fact]
    public async Task Testing_ShowsTheJudgesAnswer_AndDeletingAsksFirst()
    {
        var judge = FakeJudgeSettingsService.Judge("team GPT");
        var judges = new FakeJudgeSettingsService { Judges = { judge } };
        await using var ctx = RunsTestContext.New(new FakeRunService(), judges: judges);
        var dialogs = ctx.Render<MudDialogProvider>();
        var panel = ctx.Render<JudgesPanel>();

        panel.Find("[data-testid=judge-test]").Click();
        var result = panel.Find("[data-testid=judge-test-result]").TextContent;
        Assert.Contains("scored, score 7 / 10", result);
        Assert.Contains("0.42 s", result);
        Assert.Equal("{\"score\": 7}", panel.Find("[data-testid=judge-test-raw]").TextContent);

        panel.Find("[data-testid=judge-delete]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete this judge?", dialogs.Markup));
        Assert.Empty(judges.Deleted);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("[data-testid=no-judges]")));
        Assert.Equal([judge.Id], judges.Deleted);
    }

    [Theory]
    [InlineData(TeamRoles.Viewer)]
    [InlineData(TeamRoles.Reviewer)]
    public async Task NonEditors_SeeTheJudges_ButCannotChangeOrTestThem(string role)
    {
        var judges = new FakeJudgeSettingsService { Judges = { FakeJudgeSettingsService.Judge("team GPT", hasKey: false) } };
        await using var ctx = RunsTestContext.New(new FakeRunService(), judges: judges, role: role);

        var panel = ctx.Render<JudgesPanel>();

        Assert.Contains("https://judge.lab.test/v1", panel.Find("[data-testid=judge-row]").TextContent);
        Assert.Equal("not set", panel.Find("[data-testid=judge-key]").TextContent.Trim());
        foreach (string action in new[] { "judge-add", "judge-edit", "judge-delete", "judge-test" })
            Assert.Empty(panel.FindAll($"[data-testid={action}]"));
    }
}
