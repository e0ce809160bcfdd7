using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Worker;
using SteerLab.Server.Engine.Workers;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Engine;

/// <summary>Wires the engines jobs run on: the in-process engine, and the hub remote workers connect to with a key.</summary>
public static class EngineSetup
{
    /// <summary>Largest message a worker may send (a generation's result with its text); SignalR's default is 32 KB.</summary>
    public const long MaxWorkerMessageBytes = 4 * 1024 * 1024;

    public static IServiceCollection AddSteerLabEngine(this IServiceCollection services)
    {
        services.AddSingleton<IEngineStatus, InProcessEngineStatus>();
        // Model roots in configuration may be relative: to the content root, like the data folder.
        services.AddSingleton(sp => new ModelRoots(sp.GetRequiredService<IOptions<SteerLabOptions>>().Value.ModelRoots
            .Select(root => Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, root))));
        services.AddSingleton(sp => new LoadedModels(
            EngineWeightTypes.Parse(sp.GetRequiredService<IOptions<SteerLabOptions>>().Value.Engine.WeightType), keepIdle: 1));
        services.AddSingleton<EngineJobExecutor>();
        services.AddSingleton<InProcessEngineTransport>();
        services.AddSingleton<ConnectedWorkers>();
        services.AddSingleton<RemoteJobDispatch>();
        services.AddSingleton<EnginePlacement>();

        services.AddSignalR().AddHubOptions<EngineHub>(hub => hub.MaximumReceiveMessageSize = MaxWorkerMessageBytes);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, WorkerKeyAuthentication>(WorkerKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(WorkerKeyAuthentication.PolicyName, policy => policy
            .AddAuthenticationSchemes(WorkerKeyAuthentication.SchemeName)
            .RequireRole(WorkerKeyAuthentication.WorkerRole));
        return services;
    }

    public static IEndpointRouteBuilder MapSteerLabEngineHub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<EngineHub>(EngineHubRoutes.Path);
        return endpoints;
    }
}
