using System.Collections.Concurrent;

namespace SteerLab.Server.Jobs;

/// <summary>The cancellation handles of the jobs this server instance is running, so a cancel request can reach the
/// running job at once (jobs running under another instance see the request in the database at their next progress
/// write).</summary>
public sealed class RunningJobCancellations
{
    readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    /// <summary>Registers a job's run; dispose the result when the run ends.</summary>
    public CancellationTokenSource Register(Guid jobId)
    {
        var source = new CancellationTokenSource();
        running[jobId] = source;
        return source;
    }

    public void Unregister(Guid jobId, CancellationTokenSource source) => running.TryRemove(new(jobId, source));

    /// <summary>True when the job runs here and was told to stop.</summary>
    public bool Cancel(Guid jobId)
    {
        if (!running.TryGetValue(jobId, out var source)) return false;
        try { source.Cancel(); return true; }
        catch (ObjectDisposedException) { return false; }
    }
}
