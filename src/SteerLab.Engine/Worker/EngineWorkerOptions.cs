using Microsoft.AspNetCore.Http.Connections.Client;
using static TorchSharp.torch;

namespace SteerLab.Engine.Worker;

/// <summary>How an <see cref="EngineWorker"/> reaches its server and what it offers.</summary>
public sealed record EngineWorkerOptions
{
    /// <summary>The SteerLab server's base address, e.g. http://gpu-server:5000; the engine hub's path is appended.</summary>
    public required Uri ServerUrl { get; init; }

    /// <summary>One of the server's <c>SteerLab:WorkerKeys</c>; sent as a bearer token.</summary>
    public required string Key { get; init; }

    /// <summary>The folder holding the models this worker serves; jobs name models relative to it.</summary>
    public required string ModelsRoot { get; init; }

    /// <summary>How the worker is named in the server's job records.</summary>
    public string Name { get; init; } = Environment.MachineName;

    /// <summary>How many jobs it runs at once.</summary>
    public int Capacity { get; init; } = 1;

    public ScalarType WeightType { get; init; } = ScalarType.Float32;

    /// <summary>Adjusts the SignalR connection (transports, a test server's message handler, proxies).</summary>
    public Action<HttpConnectionOptions>? ConfigureConnection { get; init; }

    public string HubUrl => ServerUrl.ToString().TrimEnd('/') + Shared.Engine.EngineHubRoutes.Path;
}
