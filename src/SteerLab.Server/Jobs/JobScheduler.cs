using Microsoft.Extensions.Options;
using SteerLab.Server.Data;
using SteerLab.Server.Engine;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Jobs;

/// <summary>The job runner. At start it recovers the jobs a previous run of this instance left Running; then it offers
/// queued jobs, fairly between teams and at most SteerLab:Limits:MaxRunningJobsPerTeam of a team at once
/// (<see cref="JobStore.ListStartableAsync"/>), to the engines (<see cref="EnginePlacement"/>), runs each through its transport and
/// records how it ended. It wakes when a job is queued, a worker registers or an engine frees up, and polls besides.
/// On shutdown the runs in progress are stopped and re-queued (or marked), not recorded as cancelled.</summary>
public sealed class JobScheduler(
    JobStore store,
    EnginePlacement placement,
    JobWakeup wakeup,
    JobUpdates updates,
    RunningJobCancellations cancellations,
    IOptions<SteerLabOptions> options,
    TimeProvider time,
    ILogger<JobScheduler> logger) : BackgroundService
{
    const int QueueWindow = 100;

    readonly HashSet<Task> runs = [];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        int recovered = await store.RecoverInterruptedAsync(stopping);
        if (recovered > 0) logger.LogWarning("Recovered {Count} jobs left running by the previous start", recovered);
        while (!stopping.IsCancellationRequested)
        {
            try { await DispatchAsync(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e) { logger.LogError(e, "Dispatching queued jobs failed; trying again"); }
            try { await wakeup.WaitAsync(options.Value.Jobs.PollInterval, stopping); }
            catch (OperationCanceledException) { break; }
        }
        Task[] inFlight;
        lock (runs) inFlight = [.. runs];
        await Task.WhenAll(inFlight); // each run records its own end; none throws
    }

    async Task DispatchAsync(CancellationToken stopping)
    {
        foreach (var job in await store.ListStartableAsync(QueueWindow, options.Value.Limits.MaxRunningJobsPerTeam, stopping))
        {
            var lease = placement.TryReserve(job.Model);
            if (lease is null) continue;
            int? attempt = await store.TryClaimAsync(job.Id, lease.Transport.Name, stopping);
            if (attempt is null) { lease.Dispose(); continue; }
            var run = RunAsync(job, attempt.Value, lease, stopping);
            lock (runs) runs.Add(run);
            _ = run.ContinueWith(finished => { lock (runs) runs.Remove(finished); }, TaskScheduler.Default);
        }
    }

    async Task RunAsync(Job job, int attempt, EngineLease lease, CancellationToken stopping)
    {
        await Task.Yield(); // the dispatch loop goes on while this runs
        var userCancel = cancellations.Register(job.Id);
        try
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(userCancel.Token, stopping);
            var sink = new JobProgressSink(job.Id, attempt, store, updates, options.Value.Jobs.ProgressWriteInterval, time,
                () => { try { userCancel.Cancel(); } catch (ObjectDisposedException) { } }, logger);
            var request = new EngineJobRequest(job.Id, job.Kind, job.Model, job.ParametersJson, attempt);
            EngineJobResult? result = null;
            string? lostReason = null;
            try
            {
                result = await lease.Transport.RunAsync(request, sink, cancel.Token);
            }
            catch (EngineLostException e) { lostReason = e.Message; }
            catch (Exception e)
            {
                logger.LogError(e, "The {Transport} transport failed on job {JobId}", lease.Transport.Name, job.Id);
                result = new EngineJobResult(job.Id, EngineJobStatus.Failed, Error: $"the engine transport failed: {e.Message}");
            }
            await sink.FlushAsync();
            await RecordEndAsync(job, attempt, result, lostReason, userCancel.IsCancellationRequested, stopping.IsCancellationRequested);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record the end of job {JobId} (attempt {Attempt}); it is recovered at the next start", job.Id, attempt);
        }
        finally
        {
            cancellations.Unregister(job.Id, userCancel);
            userCancel.Dispose();
            lease.Dispose();
            wakeup.Signal(); // a slot is free
        }
    }

    Task RecordEndAsync(Job job, int attempt, EngineJobResult? result, string? lostReason, bool cancelRequested, bool serverStopping)
    {
        // The database calls are not tied to the stopping token: the end of a run is recorded even during shutdown.
        var none = CancellationToken.None;
        if (lostReason is not null)
        {
            logger.LogWarning("Job {JobId} attempt {Attempt}: {Reason}", job.Id, attempt, lostReason);
            return store.ReturnToQueueAsync(job.Id, attempt, lostReason, JobState.Failed, none);
        }
        if (result!.Status != EngineJobStatus.Cancelled) return store.CompleteAsync(job.Id, attempt, result, none);
        // Stopped without a result. ReturnToQueueAsync records Cancelled when a person asked (the flag is in the
        // database, whichever instance received the request); otherwise the engine or the server stopped it.
        string reason = cancelRequested ? "cancelled"
            : serverStopping ? "the server stopped while it was running"
            : $"the engine stopped it without a result ({result.Error ?? "no reason given"})";
        return store.ReturnToQueueAsync(job.Id, attempt, reason, serverStopping ? JobState.Interrupted : JobState.Failed, none, serverStopping);
    }
}
