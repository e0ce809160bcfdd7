using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SteerLab.Client.Pages.Account;
using SteerLab.Shared.Accounts;

namespace SteerLab.Client.Tests.Pages.Account;

public sealed class AccountAndTeamPageTests
{
    static BunitContext NewContext(FakeAccountService accounts, ITeamService teams)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IAccountService>(accounts);
        ctx.Services.AddSingleton<ITeamService>(teams);
        ctx.Services.AddSingleton<SteerLab.Shared.Runs.IJudgeSettingsService>(new Runs.FakeJudgeSettingsService()); // the Team page's judges panel
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    [Fact]
    public async Task NewApiKey_ShowsItsSecretOnce_AndListsOnlyItsPrefix()
    {
        var accounts = new FakeAccountService();
        await using var ctx = NewContext(accounts, new FakeTeamService());
        var page = ctx.Render<AccountPage>();

        await page.Find("input[data-testid=key-name]").ChangeAsync(new ChangeEventArgs { Value = "CI pipeline" });
        await page.Find("[data-testid=create-key]").ClickAsync(new());

        const string secret = "slk_secret001xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; // the fake's first secret
        var key = Assert.Single(accounts.Keys);
        page.WaitForAssertion(() => Assert.Equal(secret, page.Find("input[data-testid=new-key-secret]").GetAttribute("value")));
        Assert.Contains("will not be shown again", page.Find("[data-testid=new-key]").TextContent);
        var row = Assert.Single(page.FindAll("[data-testid=key-row]"));
        Assert.Contains(key.Prefix, row.TextContent);
        Assert.DoesNotContain(secret, row.TextContent);

        await page.Find("[data-testid=dismiss-key]").ClickAsync(new());
        Assert.Empty(page.FindAll("[data-testid=new-key]"));
        Assert.DoesNotContain(secret, page.Markup); // gone for good
    }

    [Fact]
    public async Task TeamPage_ListsMembers_AndAnOwnerCreatesAnInvitationLinkShownOnce()
    {
        var teams = new FakeTeamService();
        await using var ctx = NewContext(new FakeAccountService(), teams);
        var page = ctx.Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=member-row]").Count), TimeSpan.FromSeconds(5));
        Assert.Contains("colleague@lab.test", page.Find("[data-testid=member-list]").TextContent);
        Assert.Single(page.FindAll("[data-testid=remove-member]")); // not for oneself

        await page.Find("[data-testid=create-invitation]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.EndsWith("/invite/sli_token123", page.Find("input[data-testid=new-invitation-link]").GetAttribute("value")));
    }

    [Fact]
    public async Task TeamPage_ListsAnOwnersInvitationsWithTheirStatus_AndRevokesAnOpenOne()
    {
        var teams = new FakeTeamService();
        var now = DateTime.UtcNow;
        teams.Invitations.Add(new TeamInvitationView(Guid.NewGuid(), TeamRoles.Reviewer, now.AddDays(-3), now.AddDays(4), AcceptedAt: now.AddDays(-2), RevokedAt: null));
        teams.Invitations.Add(new TeamInvitationView(Guid.NewGuid(), TeamRoles.Viewer, now.AddDays(-9), now.AddDays(-2), null, null));
        await using var ctx = NewContext(new FakeAccountService(), teams);
        var page = ctx.Render<TeamPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=invitation-row]").Count), TimeSpan.FromSeconds(5));

        await page.Find("[data-testid=create-invitation]").ClickAsync(new()); // a new viewer invitation, open
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=invitation-row]").Count));
        Assert.Equal(["open", $"accepted {now.AddDays(-2):yyyy-MM-dd HH:mm}", "expired"],
            page.FindAll("[data-testid=invitation-status]").Select(c => c.TextContent.Trim()));
        var revoke = Assert.Single(page.FindAll("[data-testid=revoke-invitation]")); // only the open one

        await revoke.ClickAsync(new());

        page.WaitForAssertion(() => Assert.StartsWith("revoked ", page.FindAll("[data-testid=invitation-status]")[0].TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=revoke-invitation]"));
        Assert.Empty(page.FindAll("[data-testid=new-invitation]")); // the revoked link is no longer offered
        Assert.NotNull(Assert.Single(teams.Invitations, i => i.Role == TeamRoles.Viewer && i.AcceptedAt is null && i.ExpiresAt > now).RevokedAt);
    }

    [Fact]
    public async Task TeamPage_ForANonOwner_NeverAsksForInvitations()
    {
        var teams = new FakeTeamService();
        var accounts = new FakeAccountService { Role = TeamRoles.Editor };
        await using var ctx = NewContext(accounts, teams);
        var page = ctx.Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=member-row]").Count), TimeSpan.FromSeconds(5));
        Assert.Equal(0, teams.InvitationListings);
        Assert.Empty(page.FindAll("[data-testid=invitation-list]"));
        Assert.Empty(page.FindAll("[data-testid=create-invitation]"));
        Assert.Empty(page.FindAll("[data-testid=team-error]"));
    }

    [Fact]
    public async Task TeamPage_ShowsAnErrorFromTheService()
    {
        var teams = new ThrowingTeamService();
        await using var ctx = NewContext(new FakeAccountService(), teams);

        var page = ctx.Render<TeamPage>();

        page.WaitForAssertion(() => Assert.Contains("not allowed here", page.Find("[data-testid=team-error]").TextContent));
    }

    sealed class ThrowingTeamService : ITeamService
    {
        public Task<IReadOnlyList<TeamMemberView>> ListMembersAsync(CancellationToken cancellationToken = default) => throw new TeamAccessDeniedException("not allowed here");
        public Task<IReadOnlyList<TeamInvitationView>> ListInvitationsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task ChangeRoleAsync(Guid userId, string role, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task RemoveMemberAsync(Guid userId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<TeamInvitationCreated> CreateInvitationAsync(string role, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<bool> RevokeInvitationAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<TeamView?> AcceptInvitationAsync(string token, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<TeamView> CreateTeamAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
