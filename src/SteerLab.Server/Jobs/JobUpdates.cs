using System.Collections.Immutable;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Jobs;

/// <summary>Live job changes (state, progress, streamed tokens) for whoever watches: pages subscribe, filter by job
/// id and re-render. Observers are called on the thread that publishes — often the engine's — so they must only hand
/// the update on (e.g. <c>InvokeAsync(StateHasChanged)</c>), never block. The database holds the durable state; this
/// stream is only the live view, and misses nothing a page could not re-read.</summary>
public sealed class JobUpdates(ILogger<JobUpdates> logger) : IObservable<JobUpdate>
{
    ImmutableArray<IObserver<JobUpdate>> observers = [];

    public IDisposable Subscribe(IObserver<JobUpdate> observer)
    {
        ImmutableInterlocked.Update(ref observers, list => list.Add(observer));
        return new Subscription(() => ImmutableInterlocked.Update(ref observers, list => list.Remove(observer)));
    }

    /// <summary>Subscribes a callback; dispose the result to stop.</summary>
    public IDisposable Subscribe(Action<JobUpdate> onUpdate) => Subscribe(new CallbackObserver(onUpdate));

    public void Publish(JobUpdate update)
    {
        foreach (var observer in observers)
        {
            try { observer.OnNext(update); }
            catch (Exception e) { logger.LogWarning(e, "A job update observer failed on job {JobId}", update.JobId); }
        }
    }

    sealed class Subscription(Action unsubscribe) : IDisposable
    {
        int disposed;
        public void Dispose() { if (Interlocked.Exchange(ref disposed, 1) == 0) unsubscribe(); }
    }

    sealed class CallbackObserver(Action<JobUpdate> onUpdate) : IObserver<JobUpdate>
    {
        public void OnNext(JobUpdate value) => onUpdate(value);
        public void OnError(Exception error) { }
        public void OnCompleted() { }
    }
}
