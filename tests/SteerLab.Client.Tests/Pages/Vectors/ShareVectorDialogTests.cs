using Bunit;
using MudBlazor;
using SteerLab.Client.Pages.Vectors;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

/// <summary>The vector page's Share dialog: editors share with a team by name or create a link shown once, see the
/// shares and revoke them; errors are shown; viewers and shared (read-only) vectors have no Share button.</summary>
public sealed class ShareVectorDialogTests
{
    static VectorDetail Detail(VectorSummary summary) => new(summary, summary.Id.ToString("N"), "", "", [], 64, 2, 64,
        new VectorNorms(1, 1, 1, 1, 0), new VectorProvenance("stories260K", null, null, null, "tester", DateTimeOffset.UnixEpoch, null, null), []);

    static (FakeVectorService Library, VectorSummary Summary) Library(string? sharedFrom = null)
    {
        var summary = FakeVectorService.Summary("romance CAA", VectorMethods.Caa) with { SharedFrom = sharedFrom };
        return (new FakeVectorService { Vectors = { summary }, Details = { [summary.Id] = Detail(summary) } }, summary);
    }

    [Fact]
    public async Task Editor_SharesWithATeam_CreatesALinkShownOnce_AndRevokes()
    {
        var (library, summary) = Library();
        var shares = new FakeVectorShareService();
        await using var ctx = VectorTestContext.New(library, shares: shares, role: TeamRoles.Editor);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        page.Find("[data-testid=share-vector]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=no-shares]")));

        dialogs.Find("input[data-testid=share-team-name]").Change("Nobody");
        dialogs.Find("[data-testid=share-with-team]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("there is no team called \"Nobody\"", dialogs.Find("[data-testid=share-error]").TextContent));

        dialogs.Find("input[data-testid=share-team-name]").Change("Team B");
        dialogs.Find("[data-testid=share-with-team]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Team Team B", dialogs.Find("[data-testid=share-list]").TextContent));
        Assert.Empty(dialogs.FindAll("[data-testid=share-error]"));

        dialogs.Find("[data-testid=create-share-link]").Click();
        dialogs.WaitForAssertion(() => Assert.EndsWith("/shared/vectors/slv_token1", dialogs.Find("[data-testid=share-link]").TextContent));
        Assert.Equal(2, dialogs.FindAll("[data-testid=share-row]").Count);

        dialogs.FindAll("[data-testid=revoke-share]")[0].Click(); // newest first: the link
        dialogs.WaitForAssertion(() => Assert.Single(dialogs.FindAll("[data-testid=share-revoked]")));
        Assert.NotNull(Assert.Single(shares.Shares, s => s.IsLink).RevokedAt);
        Assert.Null(Assert.Single(shares.Shares, s => !s.IsLink).RevokedAt);
    }

    [Fact]
    public async Task Viewer_SeesNoShareButton()
    {
        var (library, summary) = Library();
        await using var ctx = VectorTestContext.New(library, role: TeamRoles.Viewer);

        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        Assert.Equal("romance CAA", page.Find("[data-testid=vector-title]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=share-vector]"));
    }

    [Fact]
    public async Task AVectorSharedByAnotherTeam_IsMarkedReadOnly_WithoutShareOrDelete()
    {
        var (library, summary) = Library(sharedFrom: "Team A");
        await using var ctx = VectorTestContext.New(library, role: TeamRoles.Owner);

        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        Assert.Contains("shared by Team A · read-only", page.Find("[data-testid=shared-from]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=share-vector]"));
        Assert.Empty(page.FindAll("[data-testid=delete-vector]"));
        Assert.NotNull(page.Find("[data-testid=export-vector]"));
    }
}
