using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Engine.Workers;

/// <summary>The jobs running on remote workers: sends a job to its worker through the engine hub and turns the
/// worker's answers (progress, completion) or its disconnection back into the awaited run of
/// <see cref="IEngineTransport.RunAsync"/>. Answers are accepted only from the connection the job was sent to.</summary>
public sealed class RemoteJobDispatch(
    IHubContext<EngineHub, IEngineWorkerClient> hub,
    ConnectedWorkers workers,
    IOptions<SteerLabOptions> options,
    ILogger<RemoteJobDispatch> logger)
{
    sealed record PendingJob(string ConnectionId, string WorkerId, IProgress<EngineJobProgress> Progress)
    {
        public TaskCompletionSource<EngineJobResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly ConcurrentDictionary<Guid, PendingJob> pending = new();

    public async Task<EngineJobResult> RunAsync(ConnectedWorker worker, EngineJobRequest request, IProgress<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var job = new PendingJob(worker.ConnectionId, worker.WorkerId, progress);
        if (!pending.TryAdd(request.JobId, job)) throw new InvalidOperationException($"job {request.JobId} is already running on a worker");
        try
        {
            // Registered before this check, so a disconnection from here on fails the pending job (see OnWorkerLost).
            if (!workers.IsConnected(worker.ConnectionId)) throw new EngineLostException($"worker {worker.WorkerId} disconnected before the job was sent");
            try { await hub.Clients.Client(worker.ConnectionId).RunJob(request); }
            catch (Exception e) { throw new EngineLostException($"could not send the job to worker {worker.WorkerId}: {e.Message}"); }
            using var forwardCancel = cancellation.Register(() => _ = ForwardCancelAsync(worker, request.JobId));
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var noteCancel = cancellation.Register(() => cancelled.TrySetResult());
            await Task.WhenAny(job.Completion.Task, cancelled.Task);
            if (job.Completion.Task.IsCompleted) return await job.Completion.Task;
            // Cancelled: the worker stops at its next step and says so. One that does not answer in time is not
            // waited for forever.
            var grace = Task.Delay(options.Value.Jobs.CancelGracePeriod, CancellationToken.None);
            if (await Task.WhenAny(job.Completion.Task, grace) == job.Completion.Task) return await job.Completion.Task;
            logger.LogWarning("Worker {Worker} did not confirm the cancellation of job {JobId}; recording it as cancelled", worker.WorkerId, request.JobId);
            return new EngineJobResult(request.JobId, EngineJobStatus.Cancelled, Error: $"worker {worker.WorkerId} did not confirm the cancellation");
        }
        finally
        {
            pending.TryRemove(new(request.JobId, job));
        }
    }

    /// <summary>A worker's progress message.</summary>
    public void OnProgress(string connectionId, EngineJobProgress progress)
    {
        if (Find(connectionId, progress.JobId) is { } job) job.Progress.Report(progress);
    }

    /// <summary>A worker's completion message.</summary>
    public void OnCompleted(string connectionId, EngineJobResult result)
    {
        if (Find(connectionId, result.JobId) is { } job) job.Completion.TrySetResult(result);
    }

    /// <summary>A worker's connection ended: its jobs end without a result, to be re-queued.</summary>
    public void OnWorkerLost(string connectionId, Exception? error)
    {
        foreach (var job in pending.Values.Where(j => j.ConnectionId == connectionId))
            job.Completion.TrySetException(new EngineLostException(
                $"worker {job.WorkerId} disconnected{(error is null ? "" : $" ({error.Message})")}"));
    }

    PendingJob? Find(string connectionId, Guid jobId)
    {
        if (pending.TryGetValue(jobId, out var job) && job.ConnectionId == connectionId) return job;
        logger.LogWarning("Ignored a message about job {JobId} from connection {Connection}, which is not running it", jobId, connectionId);
        return null;
    }

    async Task ForwardCancelAsync(ConnectedWorker worker, Guid jobId)
    {
        try { await hub.Clients.Client(worker.ConnectionId).CancelJob(jobId); }
        catch (Exception e) { logger.LogWarning(e, "Could not forward the cancellation of job {JobId} to {Worker}", jobId, worker.WorkerId); }
    }
}

/// <summary>Runs a job on one remote worker.</summary>
public sealed class RemoteWorkerTransport(ConnectedWorker worker, RemoteJobDispatch dispatch) : IEngineTransport
{
    public string Name => worker.WorkerId;

    public Task<EngineJobResult> RunAsync(EngineJobRequest request, IProgress<EngineJobProgress> progress, CancellationToken cancellation) =>
        dispatch.RunAsync(worker, request, progress, cancellation);
}
