using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SteerLab.Server.Accounts;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Limits;

/// <summary>Wires the limits of "SteerLab:Limits" that belong to the HTTP pipeline: the rate of generation requests
/// (ASP.NET Core's rate limiter, 429 with Retry-After), a full job queue as 429, and the Blazor circuit's message size.
/// The others are enforced where the work is: new tokens by GenerateJobKind, jobs per team by JobStore and
/// JobScheduler, the engine hub's message size in EngineSetup.</summary>
public static class LimitsSetup
{
    /// <summary>The endpoints that generate or queue engine work (method and route), limited per caller.</summary>
    public static readonly IReadOnlySet<string> GenerationRoutes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "POST /v1/chat/completions",
        "POST /api/jobs",
        "POST /api/vectors/build",
        "POST /api/compare/sweep",
        "POST /api/runs",
        "POST /api/runs/{id:guid}/rerun",
    };

    public static IServiceCollection AddSteerLabLimits(this IServiceCollection services)
    {
        services.AddSingleton<GenerationRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<GenerationRateLimiter>((limiting, generation) =>
        {
            limiting.GlobalLimiter = generation.ForRequests;
            limiting.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiting.OnRejected = (rejected, _) => new ValueTask(RejectAsync(rejected.HttpContext, rejected.Lease, generation));
        });
        // Every hub's default, which is what Blazor's circuit hub gets (its type is internal); the engine hub sets its
        // own (EngineSetup).
        services.AddOptions<HubOptions>().Configure<IOptions<SteerLabOptions>>((hub, options) =>
            hub.MaximumReceiveMessageSize = options.Value.Limits.CircuitMessageBytes);
        return services;
    }

    /// <summary>After authentication and authorization (the caller is known): the generation rate limit, and a team's
    /// full job queue answered as 429 to programs (pages show the message themselves).</summary>
    public static IApplicationBuilder UseSteerLabLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        return app.Use(async (context, next) =>
        {
            try { await next(context); }
            catch (JobQuotaExceededException full) when (AccountsSetup.IsForPrograms(context.Request.Path) && !context.Response.HasStarted)
            {
                await WriteProblemAsync(context, "Too many queued jobs", full.Message);
            }
        });
    }

    /// <summary>Marks the endpoints of <see cref="GenerationRoutes"/> mapped in <paramref name="group"/> (before or after
    /// this call) for the generation rate limit.</summary>
    public static TBuilder RateLimitGeneration<TBuilder>(this TBuilder group) where TBuilder : IEndpointConventionBuilder
    {
        group.Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder route && IsGenerationRoute(route)) endpoint.Metadata.Add(GenerationEndpoint.Instance);
        });
        return group;
    }

    static bool IsGenerationRoute(RouteEndpointBuilder route)
    {
        string path = "/" + (route.RoutePattern.RawText ?? "").Trim('/');
        return route.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Any(method => GenerationRoutes.Contains($"{method} {path}"));
    }

    static Task RejectAsync(HttpContext http, RateLimitLease lease, GenerationRateLimiter generation)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : generation.Rate.ReplenishmentPeriod;
        int seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteProblemAsync(http, "Too many requests", $"too many generation requests: {generation.Describe()}; try again in {seconds} s");
    }

    /// <summary>A 429 problem; on the OpenAI-compatible path it also carries OpenAI's error object, which its clients read.</summary>
    static Task WriteProblemAsync(HttpContext http, string title, string detail)
    {
        var extensions = new Dictionary<string, object?>();
        if (http.Request.Path.StartsWithSegments("/v1"))
            extensions["error"] = new { message = detail, type = "rate_limit_exceeded", param = (string?)null, code = "rate_limit_exceeded" };
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title, detail: detail, extensions: extensions).ExecuteAsync(http);
    }
}
