namespace SteerLab.Shared.Accounts;

/// <summary>A team as its member sees it, with the member's role there.</summary>
public sealed record TeamView(Guid Id, string Name, string Role);

/// <summary>The signed-in user, the team the workbench shows, and every team they belong to.</summary>
public sealed record AccountView(Guid UserId, string Email, bool IsAdministrator, TeamView ActiveTeam, IReadOnlyList<TeamView> Teams);

/// <summary>An API key as lists show it: never the secret, only its first characters.</summary>
public sealed record ApiKeyView(Guid Id, string Name, string Prefix, string Scope, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt)
{
    public const int MaxNameLength = 100;
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A new key with its secret: the only time the secret is shown.</summary>
public sealed record ApiKeyCreated(ApiKeyView Key, string Secret);

public sealed record TeamMemberView(Guid UserId, string Email, string Role, DateTime JoinedAt);

public sealed record TeamInvitationView(Guid Id, string Role, DateTime CreatedAt, DateTime ExpiresAt, DateTime? AcceptedAt, DateTime? RevokedAt);

/// <summary>A new invitation with its link path (<c>/invite/{token}</c>): the only time the token is shown.</summary>
public sealed record TeamInvitationCreated(TeamInvitationView Invitation, string Path);

/// <summary>Refused because of the caller's role or key scope (the REST API answers 403).</summary>
public sealed class TeamAccessDeniedException(string message) : Exception(message);
