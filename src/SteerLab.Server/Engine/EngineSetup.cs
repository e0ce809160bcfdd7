using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Worker;
using SteerLab.Server.Engine.Workers;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Engine;

/// <summary>Wires the engines jobs run on: the in-process engine, and the hub remote workers connect to with a key.</summary>
public static class EngineSetup
{
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

        // A job's whole result arrives as one message (SignalR's default bound is 32 KB): SteerLab:Limits:EngineHubMessageBytes.
        // A worker sending more is disconnected by SignalR; its job is re-queued, and fails once its attempts are spent.
        // AddHubOptions makes the hub use its own options at all (without it, it takes every hub's defaults).
        services.AddSignalR().AddHubOptions<EngineHub>(_ => { });
        services.AddOptions<HubOptions<EngineHub>>().Configure<IOptions<SteerLabOptions>>((hub, options) =>
            hub.MaximumReceiveMessageSize = options.Value.Limits.EngineHubMessageBytes);
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
