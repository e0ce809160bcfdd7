namespace SteerLab.Shared.Accounts;

/// <summary>A member's role in a team. Each role can do what the ones below it can: viewer reads; reviewer also
/// reviews (judge scores, for the evaluation pages); editor also creates, edits and deletes the team's content and runs
/// jobs; owner also manages members, invitations and the team.</summary>
public static class TeamRoles
{
    public const string Owner = "owner";
    public const string Editor = "editor";
    public const string Reviewer = "reviewer";
    public const string Viewer = "viewer";

    /// <summary>Most to least powerful.</summary>
    public static readonly IReadOnlyList<string> All = [Owner, Editor, Reviewer, Viewer];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    /// <summary>3 for owner … 0 for viewer; -1 for anything else.</summary>
    public static int Rank(string? role) => role switch { Owner => 3, Editor => 2, Reviewer => 1, Viewer => 0, _ => -1 };

    public static bool AtLeast(string? role, string needed) => Rank(role) >= Rank(needed) && Rank(needed) >= 0;
}

/// <summary>What an API key may be used for.</summary>
public static class ApiKeyScopes
{
    /// <summary>Reads only (GET), whatever the user's role.</summary>
    public const string Read = "read";
    /// <summary>Everything the user's role allows.</summary>
    public const string Write = "write";
    /// <summary>Only connecting an engine worker to the engine hub.</summary>
    public const string Worker = "worker";

    public static readonly IReadOnlyList<string> All = [Read, Write, Worker];

    public static bool IsKnown(string? scope) => scope is not null && All.Contains(scope);
}
