using SteerLab.Client.Components;

namespace SteerLab.Client.Tests.Components;

/// <summary>The shared polling loop: looks until a look says it is done, reports a failing look once and stops, runs one
/// loop at a time, and stops for good when disposed.</summary>
public sealed class PollerTests
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    static Task Dispatch(Func<Task> work) => work();

    [Fact]
    public async Task LooksUntilALookSaysItIsDone()
    {
        int looks = 0;
        var done = new TaskCompletionSource();
        using var poller = new Poller(Dispatch, _ =>
        {
            if (++looks < 3) return Task.FromResult(true);
            done.SetResult();
            return Task.FromResult(false);
        }, _ => throw new InvalidOperationException("no error expected"), TimeSpan.FromMilliseconds(1));

        poller.Start();
        await done.Task.WaitAsync(Wait);

        Assert.Equal(3, looks);
        while (poller.IsPolling) await Task.Yield();
    }

    [Fact]
    public async Task AFailingLook_IsReportedOnce_AndEndsThePolling()
    {
        int looks = 0;
        var reported = new TaskCompletionSource<Exception>();
        using var poller = new Poller(Dispatch, _ => { looks++; throw new HttpRequestException("server went away"); },
            ex => { reported.SetResult(ex); return Task.CompletedTask; }, TimeSpan.FromMilliseconds(1));

        poller.Start();

        Assert.Equal("server went away", (await reported.Task.WaitAsync(Wait)).Message);
        Assert.Equal(1, looks);
    }

    [Fact]
    public async Task StartingWhilePolling_DoesNotStartASecondLoop()
    {
        int running = 0, most = 0, looks = 0;
        var gate = new TaskCompletionSource();
        var done = new TaskCompletionSource();
        using var poller = new Poller(Dispatch, async _ =>
        {
            most = Math.Max(most, Interlocked.Increment(ref running));
            await gate.Task;
            Interlocked.Decrement(ref running);
            if (++looks < 2) return true;
            done.SetResult();
            return false;
        }, _ => Task.CompletedTask, TimeSpan.FromMilliseconds(1));

        poller.Start();
        poller.Start();
        poller.Start();
        gate.SetResult();
        await done.Task.WaitAsync(Wait);

        Assert.Equal(1, most);
        Assert.Equal(2, looks);
    }

    [Fact]
    public void ADisposedPoller_DoesNotStart()
    {
        var poller = new Poller(Dispatch, _ => throw new InvalidOperationException("must not look"), _ => Task.CompletedTask, TimeSpan.FromMilliseconds(1));
        poller.Dispose();

        poller.Start();

        Assert.False(poller.IsPolling);
    }
}
