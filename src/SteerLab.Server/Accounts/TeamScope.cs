using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>The caller of the current scope: for an HTTP request the request's user (set by
/// <see cref="AccountsSetup.UseTeamScope"/>), inside a Blazor circuit the circuit's user, and for work the server does
/// on a team's behalf (demo content) whatever <see cref="ActFor"/> set. Every service that reads or writes team content
/// asks it for the team to filter by and to stamp new rows with. Resolved once per scope: a circuit sees role changes
/// after a reload.</summary>
public sealed class TeamScope(IDbContextFactory<SteerLabDbContext> contexts, IServiceProvider services)
{
    /// <summary>A request header an API caller in several teams can name the team with; otherwise the user's active team.</summary>
    public const string TeamHeader = "X-SteerLab-Team";

    ClaimsPrincipal? principal;
    Guid? requestedTeam;
    Caller? caller;

    /// <summary>Takes the caller from an HTTP request.</summary>
    public void UseRequest(HttpContext http)
    {
        principal = http.User;
        requestedTeam = Guid.TryParse(http.Request.Headers[TeamHeader].ToString(), out var team) ? team : null;
    }

    /// <summary>Acts for <paramref name="acting"/> (server work on a team's behalf, and tests).</summary>
    public void ActFor(Caller acting) => caller = acting;

    /// <summary>The caller, or <see cref="NotSignedInException"/>.</summary>
    public async Task<Caller> GetAsync(CancellationToken cancellationToken = default) =>
        caller ??= await ResolveAsync(cancellationToken) ?? throw new NotSignedInException("sign in first: this needs a signed-in user who belongs to a team");

    /// <summary>The caller, or null when nobody is signed in.</summary>
    public async Task<Caller?> FindAsync(CancellationToken cancellationToken = default) => caller ??= await ResolveAsync(cancellationToken);

    /// <summary>The signed-in person's user id and key scope whether or not they belong to a team yet (a newcomer
    /// accepting their first invitation); null when nobody is signed in.</summary>
    public async Task<(Guid UserId, string? KeyScope)?> SignedInUserAsync()
    {
        if (caller is { } known) return (known.UserId, known.KeyScope);
        var user = principal ?? await CircuitUserAsync();
        if (user?.Identity?.IsAuthenticated != true || !Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return null;
        return (userId, user.FindFirstValue(AccountClaims.KeyScope));
    }

    public async Task<Guid> TeamIdAsync(CancellationToken cancellationToken = default) => (await GetAsync(cancellationToken)).TeamId;

    /// <summary>The caller when they may act as <paramref name="neededRole"/>; otherwise <see cref="TeamAccessDeniedException"/>.</summary>
    public async Task<Caller> RequireAsync(string neededRole, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(cancellationToken);
        if (current.Can(neededRole)) return current;
        string why = current.KeyScope is ApiKeyScopes.Read or ApiKeyScopes.Worker
            ? $"this API key has the \"{current.KeyScope}\" scope"
            : $"your role in team \"{current.TeamName}\" is {current.Role}";
        throw new TeamAccessDeniedException($"{why}; this needs {neededRole} or above");
    }

    /// <summary>The caller when they are a server administrator acting with full rights (signed in, or with a write key);
    /// otherwise <see cref="TeamAccessDeniedException"/>. For what affects every team on this server (the engine's memory),
    /// which no team role grants.</summary>
    public async Task<Caller> RequireAdministratorAsync(string what, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(cancellationToken);
        if (current.MayAdministerServer) return current;
        throw new TeamAccessDeniedException(current.IsAdministrator
            ? $"this API key has the \"{current.KeyScope}\" scope; {what} needs a write key"
            : $"only a server administrator may {what}: it affects every team on this server");
    }

    /// <summary>Forgets the resolved caller (after switching teams or accepting an invitation).</summary>
    public void Reset() => caller = null;

    async Task<Caller?> ResolveAsync(CancellationToken cancellationToken)
    {
        var user = principal ?? await CircuitUserAsync();
        if (user?.Identity?.IsAuthenticated != true || !Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return null;
        string? scope = user.FindFirstValue(AccountClaims.KeyScope);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var account = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Email, u.IsAdministrator, u.ActiveTeamId }).FirstOrDefaultAsync(cancellationToken);
        if (account is null) return null;
        var memberships = await db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role, m.JoinedAt })
            .ToListAsync(cancellationToken);
        var team = memberships.FirstOrDefault(m => m.Id == requestedTeam)
            ?? memberships.FirstOrDefault(m => m.Id == account.ActiveTeamId)
            ?? memberships.OrderBy(m => m.JoinedAt).ThenBy(m => m.Id).FirstOrDefault();
        if (team is null) return null;
        return new Caller(userId, account.Email ?? "", account.IsAdministrator, team.Id, team.Name, team.Role, scope);
    }

    async Task<ClaimsPrincipal?> CircuitUserAsync()
    {
        if (services.GetService<AuthenticationStateProvider>() is not { } provider) return null;
        try { return (await provider.GetAuthenticationStateAsync()).User; }
        catch (InvalidOperationException) { return null; } // outside a circuit and outside a request: nobody
    }
}

/// <summary>Claims SteerLab adds to an API key's principal.</summary>
public static class AccountClaims
{
    public const string KeyScope = "steerlab:key_scope";
    public const string KeyId = "steerlab:key_id";
}
