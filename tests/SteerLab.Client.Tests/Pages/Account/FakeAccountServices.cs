using SteerLab.Shared.Accounts;

namespace SteerLab.Client.Tests.Pages.Account;

/// <summary>In-memory accounts for page tests: one user, their keys, one team.</summary>
sealed class FakeAccountService : IAccountService
{
    public static readonly Guid UserId = Guid.NewGuid();
    public static readonly TeamView Team = new(Guid.NewGuid(), "Lab", TeamRoles.Owner);

    public List<ApiKeyView> Keys { get; } = [];
    public int Created { get; private set; }

    /// <summary>The user's role in the team.</summary>
    public string Role { get; init; } = TeamRoles.Owner;

    public Task<AccountView> GetAsync(CancellationToken cancellationToken = default)
    {
        var team = Team with { Role = Role };
        return Task.FromResult(new AccountView(UserId, "me@lab.test", false, team, [team]));
    }

    public Task SwitchTeamAsync(Guid teamId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<ApiKeyView>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ApiKeyView>>(Keys.ToList());

    public Task<ApiKeyCreated> CreateApiKeyAsync(string name, string scope, CancellationToken cancellationToken = default)
    {
        string secret = $"slk_secret{++Created:000}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
        var key = new ApiKeyView(Guid.NewGuid(), name, secret[..12], scope, DateTime.UtcNow, null, null);
        Keys.Add(key);
        return Task.FromResult(new ApiKeyCreated(key, secret));
    }

    public Task<bool> RevokeApiKeyAsync(Guid id, CancellationToken cancellationToken = default)
    {
        int i = Keys.FindIndex(k => k.Id == id);
        if (i < 0) return Task.FromResult(false);
        Keys[i] = Keys[i] with { RevokedAt = DateTime.UtcNow };
        return Task.FromResult(true);
    }
}

sealed class FakeTeamService : ITeamService
{
    public List<TeamMemberView> Members { get; } =
    [
        new(FakeAccountService.UserId, "me@lab.test", TeamRoles.Owner, DateTime.UtcNow),
        new(Guid.NewGuid(), "colleague@lab.test", TeamRoles.Editor, DateTime.UtcNow),
    ];
    public List<(Guid User, string Role)> RoleChanges { get; } = [];

    public Task<IReadOnlyList<TeamMemberView>> ListMembersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TeamMemberView>>(Members.ToList());

    public List<TeamInvitationView> Invitations { get; } = [];
    public int InvitationListings { get; private set; }

    public Task<IReadOnlyList<TeamInvitationView>> ListInvitationsAsync(CancellationToken cancellationToken = default)
    {
        InvitationListings++;
        return Task.FromResult<IReadOnlyList<TeamInvitationView>>(Invitations.OrderByDescending(i => i.CreatedAt).ToList());
    }

    public Task ChangeRoleAsync(Guid userId, string role, CancellationToken cancellationToken = default)
    {
        RoleChanges.Add((userId, role));
        int i = Members.FindIndex(m => m.UserId == userId);
        Members[i] = Members[i] with { Role = role };
        return Task.CompletedTask;
    }

    public Task RemoveMemberAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        Members.RemoveAll(m => m.UserId == userId);
        return Task.CompletedTask;
    }

    public Task<TeamInvitationCreated> CreateInvitationAsync(string role, CancellationToken cancellationToken = default)
    {
        var invitation = new TeamInvitationView(Guid.NewGuid(), role, DateTime.UtcNow, DateTime.UtcNow.AddDays(7), null, null);
        Invitations.Add(invitation);
        return Task.FromResult(new TeamInvitationCreated(invitation, "/invite/sli_token123"));
    }

    public Task<bool> RevokeInvitationAsync(Guid id, CancellationToken cancellationToken = default)
    {
        int i = Invitations.FindIndex(v => v.Id == id && v.AcceptedAt is null && v.RevokedAt is null);
        if (i < 0) return Task.FromResult(false);
        Invitations[i] = Invitations[i] with { RevokedAt = DateTime.UtcNow };
        return Task.FromResult(true);
    }

    public Task<TeamView?> AcceptInvitationAsync(string token, CancellationToken cancellationToken = default) => Task.FromResult<TeamView?>(null);

    public Task<TeamView> CreateTeamAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(new TeamView(Guid.NewGuid(), name, TeamRoles.Owner));
}
