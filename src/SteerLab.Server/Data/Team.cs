namespace SteerLab.Server.Data;

/// <summary>A team owns datasets, vectors, jobs, chats, presets and feature labels; its members see only those.</summary>
public sealed class Team
{
    /// <summary>The team the schema migration creates: rows that existed before teams did belong to it, and the first
    /// administrator becomes its owner.</summary>
    public static readonly Guid DefaultId = new("5e3f1ab0-0000-4000-8000-000000000001");
    public const string DefaultName = "Default team";

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A user's membership of a team, with their role there (<see cref="SteerLab.Shared.Accounts.TeamRoles"/>).</summary>
public sealed class TeamMember
{
    public Guid TeamId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>"owner", "editor", "reviewer" or "viewer".</summary>
    public required string Role { get; set; }
    public DateTime JoinedAt { get; set; }
}

/// <summary>A one-time link that makes whoever opens it (signed in) a member with <see cref="Role"/>. Only the token's
/// SHA-256 is stored: the link is shown once, when it is created.</summary>
public sealed class TeamInvitation
{
    public Guid Id { get; set; }
    public Guid TeamId { get; set; }
    public required string Role { get; set; }
    public required string TokenHash { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public Guid? AcceptedBy { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>A user's key for the REST API, the OpenAI-compatible endpoint or an engine worker. The secret is shown once;
/// only its SHA-256 is stored (a fast hash suffices: the secret carries 256 random bits, so there is nothing to
/// brute-force that a slow password hash would protect).</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>The secret's first characters, shown in lists and used to find the row.</summary>
    public required string Prefix { get; set; }
    /// <summary>Hex SHA-256 of the whole secret.</summary>
    public required string Hash { get; set; }
    /// <summary>"read", "write" or "worker" (<see cref="SteerLab.Shared.Accounts.ApiKeyScopes"/>).</summary>
    public required string Scope { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
