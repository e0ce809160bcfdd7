using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>Who is asking, in which team, with which role there; <see cref="KeyScope"/> is the API key's scope when the
/// caller came with a key (null for a signed-in browser, whose role alone counts).</summary>
public sealed record Caller(Guid UserId, string Email, bool IsAdministrator, Guid TeamId, string TeamName, string Role, string? KeyScope)
{
    /// <summary>Whether the caller may act as <paramref name="neededRole"/> in the team: the role must be at least that,
    /// and a "read" key only reads (viewer), a "worker" key does nothing here.</summary>
    public bool Can(string neededRole) =>
        TeamRoles.AtLeast(Role, neededRole) && KeyScope switch
        {
            null or ApiKeyScopes.Write => true,
            ApiKeyScopes.Read => neededRole == TeamRoles.Viewer,
            _ => false,
        };

    /// <summary>A server administrator with full rights here (signed in, or with a write key): may do what affects every
    /// team on the server, such as loading models into the shared engine.</summary>
    public bool MayAdministerServer => IsAdministrator && KeyScope is null or ApiKeyScopes.Write;

    public TeamView Team => new(TeamId, TeamName, Role);
}

/// <summary>No signed-in user (or one without a team) where one is needed; the REST API answers 401.</summary>
public sealed class NotSignedInException(string message) : Exception(message);
