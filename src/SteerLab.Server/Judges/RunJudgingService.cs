using Microsoft.Extensions.Options;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Judges;

/// <summary>The server-side judging phase of open-ended runs scored by a team's OpenAI-compatible judge. At start it
/// re-queues the runs a previous start of this instance left Running (as the job scheduler recovers jobs); then it
/// claims Queued runs (Queued → Running on this instance, a conditional update, so two instances never take the same
/// run), at most SteerLab:Judges:MaxRunsAtOnce at a time, and judges each with a <see cref="RunJudgingPass"/>. It wakes
/// on <see cref="JudgingWakeup"/> — signalled whenever a job of this instance succeeds, since an open-ended job queues
/// its run's judging in the transaction that completes it — and polls besides (runs queued by other instances). On shutdown the passes stop and their runs stay Running, to be
/// resumed from their first unjudged (answer, item) at the next start.</summary>
public sealed class RunJudgingService(
    RunJudgingStore store,
    RunJudgingPass pass,
    JudgingWakeup wakeup,
    JobUpdates jobUpdates,
    IOptions<JudgeOptions> options,
    ILogger<RunJudgingService> logger) : BackgroundService
{
    readonly HashSet<Task> passes = [];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var finishedJobs = jobUpdates.Subscribe(update => { if (update.State == JobState.Succeeded) wakeup.Signal(); });
        try
        {
            int recovered = await store.RecoverInterruptedAsync(stopping);
            if (recovered > 0) logger.LogWarning("Resuming the judging of {Count} runs left running by the previous start", recovered);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
        catch (Exception e) { logger.LogError(e, "Could not recover the runs whose judging the previous start left running"); }

        while (!stopping.IsCancellationRequested)
        {
            try { await StartQueuedAsync(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e) { logger.LogError(e, "Looking for runs to judge failed; trying again"); }
            try { await wakeup.WaitAsync(options.Value.PollInterval, stopping); }
            catch (OperationCanceledException) { break; }
        }
        Task[] inFlight;
        lock (passes) inFlight = [.. passes];
        await Task.WhenAll(inFlight); // each pass records its own end; none throws
    }

    async Task StartQueuedAsync(CancellationToken stopping)
    {
        int free;
        lock (passes) free = options.Value.MaxRunsAtOnce - passes.Count;
        if (free <= 0) return;
        foreach (var runId in await store.ListQueuedAsync(free, stopping))
        {
            if (!await store.TryClaimAsync(runId, stopping)) continue;
            logger.LogInformation("Judging run {RunId}", runId);
            var running = Task.Run(() => pass.JudgeAsync(runId, stopping), CancellationToken.None);
            lock (passes) passes.Add(running);
            _ = running.ContinueWith(finished =>
            {
                lock (passes) passes.Remove(finished);
                wakeup.Signal(); // a place is free for the next queued run
            }, TaskScheduler.Default);
        }
    }
}
