using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SteerLab.Server.Engine.Workers;

/// <summary>The shared-key check for engine workers: a worker presents one of <c>SteerLab:WorkerKeys</c> as a bearer
/// token (or, for clients that cannot set headers on WebSockets, as the <c>access_token</c> query parameter). A
/// stand-in until per-user API keys (stored hashed, revocable) replace it.</summary>
public sealed class WorkerKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logging,
    UrlEncoder encoder,
    IOptionsMonitor<SteerLabOptions> settings) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logging, encoder)
{
    public const string SchemeName = "EngineWorkerKey";
    public const string PolicyName = "EngineWorker";
    public const string WorkerRole = "engine-worker";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = PresentedKey();
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        var keys = settings.CurrentValue.WorkerKeys.Where(k => !string.IsNullOrEmpty(k)).ToArray();
        if (keys.Length == 0) return Task.FromResult(AuthenticateResult.Fail("no worker keys are configured (SteerLab:WorkerKeys)"));
        if (!keys.Any(key => SameKey(key, presented))) return Task.FromResult(AuthenticateResult.Fail("wrong worker key"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "engine worker"), new Claim(ClaimTypes.Role, WorkerRole)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    string? PresentedKey()
    {
        string header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        string? query = Request.Query["access_token"];
        return string.IsNullOrEmpty(query) ? null : query;
    }

    /// <summary>Compares digests in constant time, so the comparison's duration says nothing about the key.</summary>
    static bool SameKey(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
