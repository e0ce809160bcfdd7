namespace SteerLab.Server.Judges;

/// <summary>Wakes <see cref="RunJudgingService"/> when a run may be waiting to be judged (its answers were stored and
/// its judging phase queued) or may have been cancelled. Without a signal the service still polls
/// (SteerLab:Judges:PollInterval), which is how it learns of runs queued by another server instance. Signals while it is
/// busy are remembered (one is enough), so none is lost.</summary>
public sealed class JudgingWakeup
{
    readonly SemaphoreSlim signal = new(0, 1);

    public void Signal()
    {
        try { signal.Release(); }
        catch (SemaphoreFullException) { } // already signalled
    }

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellation) => signal.WaitAsync(timeout, cancellation);
}
