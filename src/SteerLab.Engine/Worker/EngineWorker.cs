using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>A remote engine: connects to a SteerLab server's engine hub with a worker key, registers the models under
/// its model root, runs the jobs the server sends it with the same code as the server's in-process engine, and
/// streams progress and results back. When the connection drops it cancels what it was running (the server re-queues
/// those jobs) and reconnects.</summary>
public sealed class EngineWorker : IAsyncDisposable
{
    sealed record RunningJob(CancellationTokenSource Cancellation)
    {
        public Task Completion { get; set; } = Task.CompletedTask;
    }

    readonly EngineWorkerOptions options;
    readonly ILogger logger;
    readonly ModelRoots roots;
    readonly LoadedModels models;
    readonly EngineJobExecutor executor;
    readonly HubConnection connection;
    readonly ConcurrentDictionary<Guid, RunningJob> running = new();
    // Progress and results leave in the order they were produced, one at a time, without blocking the job's thread.
    readonly Channel<Func<HubConnection, Task>> outgoing = Channel.CreateUnbounded<Func<HubConnection, Task>>(new() { SingleReader = true });
    readonly Task sender;
    readonly CancellationTokenSource lifetime = new();
    TaskCompletionSource<Exception?> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile bool aborted;

    public EngineWorker(EngineWorkerOptions options, ILogger? logger = null)
    {
        if (options.Capacity < 1) throw new ArgumentException($"the worker's capacity must be at least 1, got {options.Capacity}");
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        roots = new ModelRoots([options.ModelsRoot]);
        models = new LoadedModels(options.WeightType, keepIdle: 1);
        executor = new EngineJobExecutor(roots, models);
        connection = new HubConnectionBuilder()
            .WithUrl(options.HubUrl, http =>
            {
                http.AccessTokenProvider = () => Task.FromResult<string?>(options.Key);
                options.ConfigureConnection?.Invoke(http);
            })
            .WithAutomaticReconnect(new KeepRetrying())
            .Build();
        connection.On<EngineJobRequest>(nameof(IEngineWorkerClient.RunJob), StartJob);
        connection.On<Guid>(nameof(IEngineWorkerClient.CancelJob), CancelJob);
        connection.Reconnecting += error =>
        {
            this.logger.LogWarning("Lost the server ({Error}); cancelling running jobs (the server re-queues them) and reconnecting", error?.Message);
            CancelRunningJobs();
            return Task.CompletedTask;
        };
        connection.Reconnected += async _ =>
        {
            try { await RegisterAsync(lifetime.Token); }
            catch (Exception e)
            {
                this.logger.LogError(e, "Registering again after reconnecting failed; restarting the connection");
                await connection.StopAsync();
            }
        };
        connection.Closed += error =>
        {
            CancelRunningJobs();
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        sender = Task.Run(SendInOrderAsync);
    }

    /// <summary>Called on the job's thread before each progress message is sent (monitoring, tests). Keep it short.</summary>
    public event Action<EngineJobProgress>? ProgressReporting;

    /// <summary>Called when the server asks to cancel a job, before the job is told (monitoring, tests).</summary>
    public event Action<Guid>? CancelReceived;

    /// <summary>How the server named this worker at its last registration.</summary>
    public string? WorkerId { get; private set; }

    public HubConnectionState State => connection.State;

    /// <summary>Connects once and registers. Throws <see cref="UnauthorizedAccessException"/> when the server refuses
    /// the key, other exceptions when the server cannot be reached.</summary>
    public async Task StartAsync(CancellationToken cancellation = default)
    {
        closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await connection.StartAsync(cancellation);
        }
        catch (HttpRequestException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException(
                $"the server at {options.ServerUrl} refused the worker key (HTTP {(int)e.StatusCode}): it must be one of the server's SteerLab:WorkerKeys", e);
        }
        await RegisterAsync(cancellation);
    }

    /// <summary>Serves jobs until <paramref name="cancellation"/> fires: connects, re-connects after a lost connection,
    /// retries an unreachable server with back-off. A refused key ends it (retrying cannot help).</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        int failures = 0;
        while (!cancellation.IsCancellationRequested && !aborted)
        {
            try
            {
                await StartAsync(cancellation);
                failures = 0;
            }
            catch (Exception e) when (e is not UnauthorizedAccessException && !cancellation.IsCancellationRequested)
            {
                var delay = KeepRetrying.Delay(++failures);
                logger.LogWarning("Could not connect to {Url}: {Error}; retrying in {Delay}s", options.HubUrl, e.Message, delay.TotalSeconds);
                if (!await DelayAsync(delay, cancellation)) break;
                continue;
            }
            using (cancellation.Register(() => closed.TrySetResult(null)))
            {
                var error = await closed.Task;
                if (cancellation.IsCancellationRequested || aborted) break;
                logger.LogWarning("The connection closed ({Error}); connecting again", error?.Message ?? "no error given");
            }
            if (!await DelayAsync(KeepRetrying.Delay(++failures), cancellation)) break;
        }
        if (!aborted && connection.State != HubConnectionState.Disconnected) await connection.StopAsync(CancellationToken.None);
    }

    /// <summary>Drops the connection the way a crash would: the server sees the worker gone and re-queues its jobs.
    /// Jobs still running here are cancelled.</summary>
    public async Task AbortConnectionAsync()
    {
        aborted = true;
        CancelRunningJobs();
        await connection.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        aborted = true;
        lifetime.Cancel();
        await Task.WhenAll(running.Values.Select(j => j.Completion));
        outgoing.Writer.TryComplete();
        await connection.DisposeAsync();
        await sender;
        models.Dispose();
        lifetime.Dispose();
    }

    async Task RegisterAsync(CancellationToken cancellation)
    {
        var registration = new WorkerRegistration(options.Name, roots.Discover(), options.Capacity);
        var registered = await connection.InvokeAsync<WorkerRegistered>(nameof(IEngineHub.Register), registration, cancellation);
        WorkerId = registered.WorkerId;
        logger.LogInformation("Registered with {Url} as {WorkerId}, serving {Count} models: {Models}",
            options.HubUrl, registered.WorkerId, registration.Models.Count, string.Join(", ", registration.Models));
    }

    void StartJob(EngineJobRequest request)
    {
        var job = new RunningJob(CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token));
        if (!running.TryAdd(request.JobId, job))
        {
            logger.LogWarning("Job {JobId} is already running here; ignoring the second start", request.JobId);
            job.Cancellation.Dispose();
            return;
        }
        logger.LogInformation("Running job {JobId} ({Kind}, model {Model}, attempt {Attempt})", request.JobId, request.Kind, request.Model, request.Attempt);
        job.Completion = Task.Run(async () =>
        {
            var result = await executor.ExecuteAsync(request, ReportProgress, job.Cancellation.Token);
            running.TryRemove(request.JobId, out _);
            job.Cancellation.Dispose();
            logger.LogInformation("Job {JobId} {Status}{Error}", request.JobId, result.Status, result.Error is null ? "" : $": {result.Error}");
            Send(c => c.InvokeAsync(nameof(IEngineHub.CompleteJob), result));
        });
    }

    void ReportProgress(EngineJobProgress progress)
    {
        try { ProgressReporting?.Invoke(progress); }
        catch (Exception e) { logger.LogWarning(e, "A progress observer failed"); }
        Send(c => c.SendAsync(nameof(IEngineHub.ReportProgress), progress));
    }

    void CancelJob(Guid jobId)
    {
        try { CancelReceived?.Invoke(jobId); }
        catch (Exception e) { logger.LogWarning(e, "A cancellation observer failed"); }
        if (running.TryGetValue(jobId, out var job))
        {
            logger.LogInformation("Cancelling job {JobId} as the server asked", jobId);
            try { job.Cancellation.Cancel(); } catch (ObjectDisposedException) { } // it just finished
        }
    }

    void CancelRunningJobs()
    {
        foreach (var job in running.Values)
            try { job.Cancellation.Cancel(); } catch (ObjectDisposedException) { }
    }

    void Send(Func<HubConnection, Task> message) => outgoing.Writer.TryWrite(message);

    async Task SendInOrderAsync()
    {
        await foreach (var message in outgoing.Reader.ReadAllAsync())
        {
            // A message that cannot be delivered (the connection is down) is dropped: the server has re-queued the
            // job it belongs to.
            try { await message(connection); }
            catch (Exception e) { logger.LogDebug("Dropped a message to the server: {Error}", e.Message); }
        }
    }

    static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellation)
    {
        try { await Task.Delay(delay, cancellation); return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Reconnects without giving up: 0, 2, 5, 10 s, then every 30 s.</summary>
    sealed class KeepRetrying : IRetryPolicy
    {
        static readonly TimeSpan[] Delays = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

        public static TimeSpan Delay(int attempt) => Delays[Math.Clamp(attempt, 0, Delays.Length - 1)];

        public TimeSpan? NextRetryDelay(RetryContext context) => Delay((int)Math.Min(context.PreviousRetryCount, int.MaxValue));
    }
}
