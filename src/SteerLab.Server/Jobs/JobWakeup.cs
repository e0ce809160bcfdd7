namespace SteerLab.Server.Jobs;

/// <summary>Wakes the scheduler when there may be something to start: a job was queued, a worker registered, an
/// engine became free. Signals while it is busy are remembered (one is enough), so no wake-up is lost.</summary>
public sealed class JobWakeup
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
