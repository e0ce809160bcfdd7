namespace SteerLab.Client.Components;

/// <summary>Looks at something every <see cref="Interval"/> until it says it is done, the poller is stopped, or the
/// component that owns it goes away: the one polling loop the pages share for jobs and runs they follow
/// (<see cref="JobFollower"/> follows a single job with it).</summary>
/// <remarks>
/// Every look runs through <c>dispatch</c> — a component passes its own <c>InvokeAsync</c> — so it may change the
/// component's state and call <c>StateHasChanged</c> as if it were an event handler. A look that throws ends the
/// polling and is handed to <c>onError</c> (on the dispatcher too): a page shows it rather than polling a broken
/// endpoint forever.
/// </remarks>
public sealed class Poller : IDisposable
{
    private readonly Func<Func<Task>, Task> _dispatch;
    private readonly Func<CancellationToken, Task<bool>> _look;
    private readonly Func<Exception, Task> _onError;
    private CancellationTokenSource? _polling;
    private Task _loop = Task.CompletedTask;
    private bool _disposed;

    /// <param name="dispatch">Runs a callback where the owner's state may change (a component's <c>InvokeAsync</c>).</param>
    /// <param name="look">One look; true to keep polling, false when there is nothing left to follow.</param>
    /// <param name="onError">What to do with a look that threw; polling has stopped by then.</param>
    /// <param name="interval">Time between looks.</param>
    public Poller(Func<Func<Task>, Task> dispatch, Func<CancellationToken, Task<bool>> look, Func<Exception, Task> onError, TimeSpan interval)
    {
        _dispatch = dispatch;
        _look = look;
        _onError = onError;
        Interval = interval;
    }

    public TimeSpan Interval { get; set; }

    public bool IsPolling => !_loop.IsCompleted;

    /// <summary>Starts polling unless it already is (a second Start while polling changes nothing).</summary>
    public void Start()
    {
        if (_disposed || IsPolling) return;
        _polling?.Dispose();
        _polling = new CancellationTokenSource();
        _loop = PollAsync(_polling.Token);
    }

    /// <summary>Stops after the look in progress, if any; its result is dropped.</summary>
    public void Stop() => _polling?.Cancel();

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                bool keepGoing = false;
                await _dispatch(async () => keepGoing = !cancellationToken.IsCancellationRequested && await _look(cancellationToken));
                if (!keepGoing) return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped or disposed: nobody is waiting for more.
        }
        catch (Exception ex) when (!_disposed)
        {
            await _dispatch(() => _onError(ex));
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _polling?.Cancel();
        _polling?.Dispose();
    }
}
