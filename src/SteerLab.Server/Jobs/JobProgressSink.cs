using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Jobs;

/// <summary>Receives one run's progress from its engine: every step goes to the live <see cref="JobUpdates"/> at
/// once; the database gets the latest step at most once per <c>SteerLab:Jobs:ProgressWriteInterval</c>, written in
/// the background so the engine never waits for the database. A write that finds a cancellation requested (possibly
/// through another server instance) stops the run.</summary>
public sealed class JobProgressSink(
    Guid jobId,
    int attempt,
    JobStore store,
    JobUpdates updates,
    TimeSpan writeInterval,
    TimeProvider time,
    Action onCancelRequested,
    ILogger logger) : IProgress<EngineJobProgress>
{
    readonly object gate = new();
    EngineJobProgress? unsaved;
    long lastWrite = long.MinValue;
    Task writing = Task.CompletedTask;

    public void Report(EngineJobProgress progress)
    {
        if (progress.JobId != jobId) return; // a confused engine; never let it touch another job
        updates.Publish(new JobUpdate(jobId, JobState.Running, progress.Fraction, progress.Message, progress.TokenIds, progress.Text, progress.Logprobs));
        lock (gate)
        {
            unsaved = progress;
            long now = time.GetTimestamp();
            bool due = lastWrite == long.MinValue || time.GetElapsedTime(lastWrite, now) >= writeInterval;
            if (!due || !writing.IsCompleted) return;
            lastWrite = now;
            writing = WriteAsync();
        }
    }

    /// <summary>Waits for a write in flight (the run's end is written after it, never overtaken by it).</summary>
    public Task FlushAsync()
    {
        lock (gate) return writing;
    }

    async Task WriteAsync()
    {
        EngineJobProgress? progress;
        lock (gate) { progress = unsaved; unsaved = null; }
        if (progress is null) return;
        try
        {
            await Task.Yield(); // off the engine's thread
            if (await store.SaveProgressAsync(jobId, attempt, progress.Fraction, progress.Message, CancellationToken.None))
                onCancelRequested();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not save the progress of job {JobId}", jobId);
        }
    }
}
