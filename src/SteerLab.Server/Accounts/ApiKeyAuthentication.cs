using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>The API key scheme: <c>Authorization: Bearer KEY</c>, or for the engine hub (WebSocket clients cannot set
/// headers) the <c>access_token</c> query parameter. A key is one of: a user's key (looked up by its prefix, compared by
/// hash, refused once revoked), <c>SteerLab:BootstrapApiKey</c> (acts for the first administrator), or one of
/// <c>SteerLab:WorkerKeys</c> (worker scope, no user). Refusals answer 401/403 with a JSON problem, never a redirect.</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logging,
    UrlEncoder encoder,
    IOptionsMonitor<SteerLabOptions> settings,
    IDbContextFactory<SteerLabDbContext> contexts,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logging, encoder)
{
    public const string SchemeName = "SteerLabApiKey";
    /// <summary>Writing "last used" at most this often per key.</summary>
    static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Whether the request presents a key at all (the policy scheme then picks this scheme over the cookie).</summary>
    public static bool PresentsKey(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        || (request.Path.StartsWithSegments("/hubs") && !string.IsNullOrEmpty(request.Query["access_token"]));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = PresentedKey();
        if (string.IsNullOrEmpty(presented)) return AuthenticateResult.NoResult();
        var options = settings.CurrentValue;

        if (options.BootstrapApiKey is { Length: > 0 } bootstrap && ApiKeySecrets.SameSecret(bootstrap, presented))
        {
            await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
            var admin = await db.Users.AsNoTracking().Where(u => u.IsAdministrator).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
                .Select(u => new { u.Id, u.Email }).FirstOrDefaultAsync(Context.RequestAborted);
            if (admin is null) return AuthenticateResult.Fail("the bootstrap key acts for the first administrator, and there is none yet (set SteerLab:Admin or use /account/setup)");
            return Success(admin.Id, admin.Email ?? "", ApiKeyScopes.Write, keyId: "bootstrap");
        }
        foreach (string workerKey in options.WorkerKeys)
            if (!string.IsNullOrEmpty(workerKey) && ApiKeySecrets.SameSecret(workerKey, presented))
                return Success(null, "engine worker", ApiKeyScopes.Worker, keyId: "configured-worker-key");

        string prefix = ApiKeySecrets.PrefixOf(presented);
        await using (var db = await contexts.CreateDbContextAsync(Context.RequestAborted))
        {
            var candidates = await db.ApiKeys.AsNoTracking().Where(k => k.Prefix == prefix && k.RevokedAt == null)
                .Join(db.Users, k => k.UserId, u => u.Id, (k, u) => new { k.Id, k.Hash, k.Scope, k.LastUsedAt, k.UserId, u.Email })
                .ToListAsync(Context.RequestAborted);
            var key = candidates.FirstOrDefault(k => ApiKeySecrets.SameHash(k.Hash, presented));
            if (key is null) return AuthenticateResult.Fail("unknown or revoked API key");
            var now = time.GetUtcNow().UtcDateTime;
            if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution)
                await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
            return Success(key.UserId, key.Email ?? "", key.Scope, key.Id.ToString());
        }
    }

    AuthenticateResult Success(Guid? userId, string name, string scope, string keyId)
    {
        List<Claim> claims = [new(ClaimTypes.Name, name), new(AccountClaims.KeyScope, scope), new(AccountClaims.KeyId, keyId)];
        if (userId is { } id) claims.Add(new Claim(ClaimTypes.NameIdentifier, id.ToString()));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    string? PresentedKey()
    {
        string header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        return Request.Path.StartsWithSegments("/hubs") ? Request.Query["access_token"].ToString() : null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AccountProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Not authenticated",
            "send an API key as 'Authorization: Bearer KEY' (create one on the Account page)");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccountProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "this API key's scope does not allow this");
}

/// <summary>401/403 answers for programs: JSON problem details, never the sign-in page.</summary>
static class AccountProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { type = "about:blank", title, status, detail }));
    }
}
