using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SteerLab.Server.Accounts;

namespace SteerLab.Server.Limits;

/// <summary>The per-caller budget of generation and job-creating requests (SteerLab:Limits:GenerationRate): one token
/// bucket per caller, shared by the REST and OpenAI-compatible endpoints (through ASP.NET Core's rate-limiting
/// middleware, <see cref="ForRequests"/>) and the chat page (<see cref="TryAcquire"/>), so neither path gets around
/// the other's limit.</summary>
public sealed class GenerationRateLimiter : IDisposable
{
    /// <summary>The partition of requests that are not limited (everything but the generation endpoints).</summary>
    const string Unlimited = "";

    readonly PartitionedRateLimiter<string> limiter;

    public GenerationRateLimiter(IOptions<SteerLabOptions> options)
    {
        Rate = options.Value.Limits.GenerationRate;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Rate.PermitLimit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = Rate.ReplenishmentPeriod,
            QueueLimit = 0, // refused at once with a Retry-After, never held open
            AutoReplenishment = true,
        };
        limiter = PartitionedRateLimiter.Create<string, string>(caller => caller == Unlimited
            ? RateLimitPartition.GetNoLimiter(Unlimited)
            : RateLimitPartition.GetTokenBucketLimiter(caller, _ => bucket));
        ForRequests = limiter.WithTranslatedKey<HttpContext>(PartitionOf, leaveOpen: true);
    }

    public GenerationRateOptions Rate { get; }

    /// <summary>The limiter the middleware runs on every request: requests to endpoints marked by
    /// <see cref="LimitsSetup.RateLimitGeneration"/> count against their caller, the rest pass.</summary>
    public PartitionedRateLimiter<HttpContext> ForRequests { get; }

    /// <summary>Takes one request from the user's budget (the chat page's sends); on refusal, when to try again.</summary>
    public (bool Acquired, TimeSpan? RetryAfter) TryAcquire(Guid userId)
    {
        using var lease = limiter.AttemptAcquire(UserPartition(userId));
        return (lease.IsAcquired, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null);
    }

    /// <summary>"At most 60 generation requests per 00:01:00 per caller".</summary>
    public string Describe() => $"at most {Rate.PermitLimit} generation requests per {Rate.Window} per caller ({LimitOptions.SectionName}:GenerationRate)";

    static string UserPartition(Guid userId) => $"user:{userId}";

    /// <summary>The caller of a generation request: the user (signed in, or owning the API key), else the API key (a
    /// configured worker key has no user), else the client's address.</summary>
    static string PartitionOf(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<GenerationEndpoint>() is null) return Unlimited;
        var user = http.User;
        if (Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return UserPartition(userId);
        if (user.FindFirstValue(AccountClaims.KeyId) is { Length: > 0 } keyId) return $"key:{keyId}";
        return $"ip:{http.Connection.RemoteIpAddress}";
    }

    public void Dispose()
    {
        ForRequests.Dispose();
        limiter.Dispose();
    }
}

/// <summary>Endpoint metadata: this endpoint generates or queues engine work, and counts against its caller's
/// <see cref="GenerationRateLimiter"/> budget.</summary>
public sealed class GenerationEndpoint
{
    public static readonly GenerationEndpoint Instance = new();
}
