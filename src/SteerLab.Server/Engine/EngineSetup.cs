using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
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
        services.AddSingleton(sp => EffectiveModelRoots(sp.GetRequiredService<IOptions<SteerLabOptions>>().Value,
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        services.AddSingleton(sp => new LoadedModels(
            EngineWeightTypes.Parse(sp.GetRequiredService<IOptions<SteerLabOptions>>().Value.Engine.WeightType), keepIdle: 1));
        services.AddSingleton<EngineJobExecutor>();
        services.AddSingleton<InProcessEngineTransport>();
        services.AddSingleton<ConnectedWorkers>();
        services.AddSingleton<RemoteJobDispatch>();
        services.AddSingleton<EnginePlacement>();

        services.AddSignalR().AddHubOptions<EngineHub>(hub => hub.MaximumReceiveMessageSize = MaxWorkerMessageBytes);
        // Workers authenticate with API keys of the worker scope (Accounts/AccountsSetup.EngineWorkerPolicy).
        return services;
    }

    /// <summary>The configured model roots (relative ones are relative to the content root, like the data folder); with
    /// none configured, the built-in demo folder, so a fresh install has a model to work with offline.</summary>
    public static ModelRoots EffectiveModelRoots(SteerLabOptions options, string contentRoot)
    {
        if (options.ModelRoots.Length > 0) return new ModelRoots(options.ModelRoots.Select(root => Path.Combine(contentRoot, root)));
        return new ModelRoots(DemoAssets.FindFolder() is { } demo ? [demo] : []);
    }

    public static IEndpointRouteBuilder MapSteerLabEngineHub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<EngineHub>(EngineHubRoutes.Path);
        return endpoints;
    }
}
