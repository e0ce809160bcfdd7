using Microsoft.Extensions.Options;
using SteerLab.Engine.Worker;
using SteerLab.Server.Engine.Workers;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Engine;

/// <summary>Decides where a queued job runs (<c>SteerLab:Engine:Mode</c>) and keeps count of each engine's free
/// slots. "workers": only a connected worker that registered the job's model, and has a free slot, gets it.
/// "in-process": the server's engine runs everything. "both": a free worker holding the model first, else the
/// server's engine when the model is under its own roots; otherwise the job waits for a worker.</summary>
public sealed class EnginePlacement(
    IOptions<SteerLabOptions> options,
    InProcessEngineTransport inProcess,
    ConnectedWorkers workers,
    RemoteJobDispatch dispatch,
    ModelRoots modelRoots)
{
    int inProcessBusy;

    /// <summary>Reserves a slot for a job needing <paramref name="model"/>; null when no engine can take it now.
    /// Dispose the lease when the run ends.</summary>
    public EngineLease? TryReserve(string? model)
    {
        var engine = options.Value.Engine;
        if (engine.UsesWorkers && model is not null && workers.TryReserve(model) is { } worker)
            return new EngineLease(new RemoteWorkerTransport(worker, dispatch), () => workers.Release(worker));
        if (!engine.RunsInProcess) return null;
        // In "both" mode a model the server cannot load itself waits for a worker; in "in-process" mode the job runs
        // and fails with the resolver's message, so a missing model is reported rather than waited for.
        if (engine.Mode == EngineOptions.Both && model is not null && !modelRoots.TryResolve(model, out _, out _)) return null;
        if (Interlocked.Increment(ref inProcessBusy) > engine.InProcessCapacity)
        {
            Interlocked.Decrement(ref inProcessBusy);
            return null;
        }
        return new EngineLease(inProcess, () => Interlocked.Decrement(ref inProcessBusy));
    }
}

/// <summary>A reserved slot on an engine.</summary>
public sealed class EngineLease(IEngineTransport transport, Action release) : IDisposable
{
    int released;

    public IEngineTransport Transport { get; } = transport;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) release();
    }
}
