using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>The signed-in user's own account (<see cref="IAccountService"/>): their teams, switching between them, and
/// their API keys (created once and shown once, stored as a SHA-256, revocable).</summary>
public sealed class AccountService(IDbContextFactory<SteerLabDbContext> contexts, TeamScope scope, TimeProvider time, ILogger<AccountService> logger) : IAccountService
{
    /// <summary>Keys a user may hold at once (revoked ones not counted).</summary>
    public const int MaxKeysPerUser = 100;

    public async Task<AccountView> GetAsync(CancellationToken cancellationToken = default)
    {
        var caller = await scope.GetAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = await db.TeamMembers.AsNoTracking().Where(m => m.UserId == caller.UserId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new TeamView(t.Id, t.Name, m.Role))
            .ToListAsync(cancellationToken);
        return new AccountView(caller.UserId, caller.Email, caller.IsAdministrator, caller.Team, teams.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList());
    }

    public async Task SwitchTeamAsync(Guid teamId, CancellationToken cancellationToken = default)
    {
        var caller = await scope.GetAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.TeamMembers.AnyAsync(m => m.UserId == caller.UserId && m.TeamId == teamId, cancellationToken))
            throw new KeyNotFoundException($"you are not a member of team {teamId}");
        await db.Users.Where(u => u.Id == caller.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.ActiveTeamId, teamId), cancellationToken);
        scope.Reset();
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        var caller = await scope.GetAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == caller.UserId).ToListAsync(cancellationToken);
        return keys.OrderBy(k => k.RevokedAt is not null).ThenByDescending(k => k.CreatedAt).Select(View).ToList();
    }

    public async Task<ApiKeyCreated> CreateApiKeyAsync(string name, string scopeName, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length == 0) throw new ArgumentException("give the key a name (what uses it)");
        if (name.Length > ApiKeyView.MaxNameLength) throw new ArgumentException($"a key's name is at most {ApiKeyView.MaxNameLength} characters");
        if (!ApiKeyScopes.IsKnown(scopeName)) throw new ArgumentException($"the scope must be one of {string.Join(", ", ApiKeyScopes.All)}, not '{scopeName}'");
        var caller = await scope.GetAsync(cancellationToken);
        // A key can only be made by a person (signed in) or by a key that may write: a read key cannot mint a write key.
        if (caller.KeyScope is not (null or ApiKeyScopes.Write)) throw new TeamAccessDeniedException($"an API key with the \"{caller.KeyScope}\" scope cannot create keys");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.ApiKeys.CountAsync(k => k.UserId == caller.UserId && k.RevokedAt == null, cancellationToken) >= MaxKeysPerUser)
            throw new ArgumentException($"you hold {MaxKeysPerUser} keys already; revoke some first");
        string secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(), UserId = caller.UserId, Name = name, Prefix = ApiKeySecrets.PrefixOf(secret), Hash = ApiKeySecrets.Hash(secret),
            Scope = scopeName, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("User {User} created API key {Prefix} ({Scope})", caller.UserId, key.Prefix, key.Scope);
        return new ApiKeyCreated(View(key), secret);
    }

    public async Task<bool> RevokeApiKeyAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var caller = await scope.GetAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.Where(k => k.Id == id && k.UserId == caller.UserId && k.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(k => k.RevokedAt, now), cancellationToken) > 0;
    }

    static ApiKeyView View(ApiKey key) => new(key.Id, key.Name, key.Prefix, key.Scope, key.CreatedAt, key.LastUsedAt, key.RevokedAt);
}
