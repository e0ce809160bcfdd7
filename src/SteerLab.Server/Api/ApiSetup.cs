using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using SteerLab.Server.Limits;
using SteerLab.Server.OpenAi;

namespace SteerLab.Server.Api;

/// <summary>Wires the REST API: JSON with enum names ("Running", not 2), and its endpoint groups.</summary>
public static class ApiSetup
{
    public static IServiceCollection AddSteerLabApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return services;
    }

    /// <summary>Paths answered to programs, not people: the REST API and the SignalR hubs.</summary>
    public static bool IsForPrograms(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs");

    /// <summary>Shows the HTML page at <paramref name="pagePath"/> for empty error responses of pages, but leaves the
    /// API's and the hubs' status codes alone (re-executing a refused hub negotiation as a page turned 401 into 400).</summary>
    public static IApplicationBuilder UseStatusCodePagesForPeople(this IApplicationBuilder app, string pagePath)
    {
        app.UseStatusCodePagesWithReExecute(pagePath, createScopeForStatusCodePages: true);
        return app.Use((context, next) =>
        {
            if (IsForPrograms(context.Request.Path) && context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
                statusCodePages.Enabled = false;
            return next(context);
        });
    }

    /// <summary>Every REST and OpenAI-compatible endpoint needs a signed-in user or an API key (401 JSON otherwise).</summary>
    public static IEndpointRouteBuilder MapSteerLabApi(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("").RequireAuthorization(Accounts.AccountsSetup.ApiPolicy);
        endpoints.RateLimitGeneration(); // Limits/LimitsSetup.GenerationRoutes
        endpoints.MapJobEndpoints();
        endpoints.MapModelEndpoints();
        endpoints.MapChatCompletions();
        endpoints.MapDatasetEndpoints();
        endpoints.MapVectorEndpoints();
        endpoints.MapVectorBuildEndpoints();
        endpoints.MapVectorShareEndpoints(); // its link routes allow anonymous readers
        endpoints.MapCompareEndpoints();
        endpoints.MapJudgeEndpoints();
        endpoints.MapRunEndpoints();
        return app;
    }
}
