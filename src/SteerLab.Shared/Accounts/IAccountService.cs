namespace SteerLab.Shared.Accounts;

/// <summary>The signed-in user's own account: who they are, which team they work in, and their API keys.</summary>
public interface IAccountService
{
    Task<AccountView> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="teamId"/> the team the workbench shows (a member's team only). The page reloads
    /// afterwards, so that every open view is scoped to the new team.</summary>
    Task SwitchTeamAsync(Guid teamId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ApiKeyView>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a key; the secret in the answer is not stored and cannot be shown again.</summary>
    Task<ApiKeyCreated> CreateApiKeyAsync(string name, string scope, CancellationToken cancellationToken = default);

    Task<bool> RevokeApiKeyAsync(Guid id, CancellationToken cancellationToken = default);
}

/// <summary>The caller's active team: members, roles and invitations (owners change them; every member reads them),
/// accepting an invitation, and creating a new team.</summary>
public interface ITeamService
{
    Task<IReadOnlyList<TeamMemberView>> ListMembersAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TeamInvitationView>> ListInvitationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Owners only. Refuses to leave a team without an owner.</summary>
    Task ChangeRoleAsync(Guid userId, string role, CancellationToken cancellationToken = default);

    /// <summary>Owners only. Refuses to leave a team without an owner.</summary>
    Task RemoveMemberAsync(Guid userId, CancellationToken cancellationToken = default);

    /// <summary>Owners only: a one-time link valid for <c>InvitationLifetime</c>.</summary>
    Task<TeamInvitationCreated> CreateInvitationAsync(string role, CancellationToken cancellationToken = default);

    Task<bool> RevokeInvitationAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Makes the caller a member with the invitation's role and switches to that team; null when the token is
    /// unknown, used, revoked or expired (one answer for all, so tokens cannot be probed).</summary>
    Task<TeamView?> AcceptInvitationAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>A new team with the caller as its owner (and the built-in demo content), made the active team.</summary>
    Task<TeamView> CreateTeamAsync(string name, CancellationToken cancellationToken = default);
}
