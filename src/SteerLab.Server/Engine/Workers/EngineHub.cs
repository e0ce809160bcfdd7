using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Engine.Workers;

/// <summary>The engine hub (<see cref="EngineHubRoutes.Path"/>): remote workers connect here with a worker-scope API key,
/// register their models, and report progress and results of the jobs the server sends them.</summary>
[Authorize(Policy = Accounts.AccountsSetup.EngineWorkerPolicy)]
public sealed class EngineHub(
    ConnectedWorkers workers,
    RemoteJobDispatch dispatch,
    JobWakeup wakeup,
    ILogger<EngineHub> logger) : Hub<IEngineWorkerClient>, IEngineHub
{
    public const int MaxModels = 10_000;
    public const int MaxCapacity = 256;

    public Task<WorkerRegistered> Register(WorkerRegistration registration)
    {
        if (string.IsNullOrWhiteSpace(registration.Name) || registration.Name.Length > 100)
            throw new HubException("the worker's name must be 1 to 100 characters");
        if (registration.Models is null || registration.Models.Count > MaxModels)
            throw new HubException($"a worker may register at most {MaxModels} models");
        if (registration.Capacity is < 1 or > MaxCapacity)
            throw new HubException($"the worker's capacity must be between 1 and {MaxCapacity}");
        var models = registration.Models.Where(m => SteerLab.Engine.Worker.ModelRoots.CheckName(m) is null).ToList();
        var worker = workers.Register(Context.ConnectionId, registration with { Models = models });
        logger.LogInformation("Worker {Worker} registered {Count} models (capacity {Capacity})", worker.WorkerId, models.Count, worker.Capacity);
        wakeup.Signal();
        return Task.FromResult(new WorkerRegistered(worker.WorkerId));
    }

    public Task ReportProgress(EngineJobProgress progress)
    {
        dispatch.OnProgress(Context.ConnectionId, progress);
        return Task.CompletedTask;
    }

    public Task CompleteJob(EngineJobResult result)
    {
        dispatch.OnCompleted(Context.ConnectionId, result);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (workers.Remove(Context.ConnectionId) is { } worker)
            logger.LogInformation("Worker {Worker} disconnected{Reason}", worker.WorkerId, exception is null ? "" : $": {exception.Message}");
        dispatch.OnWorkerLost(Context.ConnectionId, exception);
        return base.OnDisconnectedAsync(exception);
    }
}
