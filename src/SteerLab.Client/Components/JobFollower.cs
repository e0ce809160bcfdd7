using SteerLab.Shared.Jobs;

namespace SteerLab.Client.Components;

/// <summary>Follows one job until it ends: every <c>interval</c> it reads the job and hands it to <c>seen</c> (null when the
/// job has disappeared), and stops once the job is neither queued nor running, or another job is followed. A read that
/// throws stops the following and goes to <c>lost</c>. Built on <see cref="Poller"/>, so every callback runs through the
/// owner's dispatcher and may change its state.</summary>
public sealed class JobFollower(
    Func<Func<Task>, Task> dispatch,
    Func<Guid, CancellationToken, Task<JobView?>> read,
    Func<JobView?, Task> seen,
    Func<Exception, Task> lost,
    TimeSpan interval) : IDisposable
{
    private Poller? _poller;

    /// <summary>Starts following <paramref name="jobId"/>, instead of any job followed before.</summary>
    public void Follow(Guid jobId)
    {
        _poller?.Dispose();
        _poller = new Poller(dispatch, async cancellation =>
        {
            var job = await read(jobId, cancellation);
            await seen(job);
            return job is { State: JobState.Queued or JobState.Running };
        }, lost, interval);
        _poller.Start();
    }

    public void Dispose() => _poller?.Dispose();
}
