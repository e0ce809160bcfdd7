using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Tests.Limits;

/// <summary>A bare engine-hub client standing in for a worker: it registers, hands every job it is sent to the test
/// (<see cref="NextJobAsync"/>) and answers only what the test tells it to, so jobs stay Running as long as a test
/// needs and a worker can send what a real one never would.</summary>
sealed class ScriptedWorker : IAsyncDisposable
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    readonly HubConnection connection;
    readonly Channel<EngineJobRequest> jobs = Channel.CreateUnbounded<EngineJobRequest>();
    readonly TaskCompletionSource<Exception?> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScriptedWorker(SteerLabServer server)
    {
        connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Server.BaseAddress, EngineHubRoutes.Path), http =>
            {
                http.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
                http.Transports = HttpTransportType.LongPolling; // the test server has no sockets
                http.AccessTokenProvider = () => Task.FromResult<string?>(SteerLabServer.WorkerKey);
            })
            .Build();
        connection.On<EngineJobRequest>(nameof(IEngineWorkerClient.RunJob), request => jobs.Writer.TryWrite(request));
        connection.On<Guid>(nameof(IEngineWorkerClient.CancelJob), _ => { });
        connection.Closed += error => { closed.TrySetResult(error); return Task.CompletedTask; };
    }

    /// <summary>Connects and registers <paramref name="models"/> with <paramref name="capacity"/> slots.</summary>
    public async Task StartAsync(int capacity, params string[] models)
    {
        await connection.StartAsync();
        await connection.InvokeAsync<WorkerRegistered>(nameof(IEngineHub.Register), new WorkerRegistration("scripted", models, capacity));
    }

    /// <summary>The next job the server sent.</summary>
    public async Task<EngineJobRequest> NextJobAsync() => await jobs.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    /// <summary>Whether a job arrived (without waiting for one).</summary>
    public bool TryTakeJob(out EngineJobRequest? request) => jobs.Reader.TryRead(out request);

    public Task CompleteAsync(EngineJobResult result) => connection.SendAsync(nameof(IEngineHub.CompleteJob), result);

    /// <summary>Why the server closed the connection.</summary>
    public Task<Exception?> ClosedAsync() => closed.Task.WaitAsync(Wait);

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
