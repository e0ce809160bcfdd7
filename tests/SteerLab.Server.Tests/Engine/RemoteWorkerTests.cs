using System.Net;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Tests.Engine;

/// <summary>Remote engine workers: the real <c>SteerLab.Engine.Worker.EngineWorker</c>, connected to the test server's
/// engine hub over SignalR (long polling through the in-memory test server).</summary>
public sealed class RemoteWorkerTests
{
    [SkippableFact]
    public async Task InWorkersMode_ARegisteredWorkerRunsTheJob()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        var api = new JobApi(server.CreateClient());
        await using var worker = server.CreateWorker("worker-a");
        await worker.StartAsync();

        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: 25));
        var done = await api.WaitForStateAsync(created.Id, JobState.Succeeded);

        Assert.Equal(EngineReference.GreedyNewIds("stories260K", EngineReference.OnceUponATime, 25), JobApi.ResultOf(done).NewIds);
        Assert.Equal(worker.WorkerId, done.WorkerId);
        Assert.StartsWith("worker-a#", done.WorkerId);
        Assert.Equal(1, done.Attempts);
    }

    [SkippableFact]
    public async Task AWorkerKilledMidJob_HasItsJobRequeuedAndFinishedByAnotherWorker()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        var api = new JobApi(server.CreateClient());

        var jobId = await RunAJobOnAWorkerThatDiesAtItsFirstToken(server, api, maxNewTokens: 30);
        var requeued = await api.WaitForAsync(jobId, j => j.State == JobState.Queued && j.Attempts == 1, "re-queued after its worker was lost");
        Assert.Contains("disconnected", requeued.Message);

        await using var rescuer = server.CreateWorker("worker-rescuer");
        await rescuer.StartAsync();
        var done = await api.WaitForStateAsync(jobId, JobState.Succeeded);

        Assert.Equal(2, done.Attempts);
        Assert.Equal(rescuer.WorkerId, done.WorkerId);
        Assert.Equal(EngineReference.GreedyNewIds("stories260K", EngineReference.OnceUponATime, 30), JobApi.ResultOf(done).NewIds);
    }

    [SkippableFact]
    public async Task AJobWhoseWorkersKeepDying_FailsOnceItsAttemptsAreUsedUp()
    {
        await using var server = new SteerLabServer(engineMode: "workers", extraSettings: new Dictionary<string, string?> { ["SteerLab:Jobs:MaxAttempts"] = "1" });
        var api = new JobApi(server.CreateClient());

        var jobId = await RunAJobOnAWorkerThatDiesAtItsFirstToken(server, api, maxNewTokens: 30);
        var failed = await api.WaitForStateAsync(jobId, JobState.Failed);

        Assert.Equal(1, failed.Attempts);
        Assert.Contains("gave up after 1 attempts", failed.Error);
        Assert.Contains("disconnected", failed.Error);
    }

    /// <summary>Queues a job, lets a worker start it, and drops that worker's connection at the job's first token (the
    /// job is held there until the connection is gone, so it cannot finish first).</summary>
    static async Task<Guid> RunAJobOnAWorkerThatDiesAtItsFirstToken(SteerLabServer server, JobApi api, int maxNewTokens)
    {
        var doomed = server.CreateWorker("worker-doomed");
        var firstProgress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var killed = new ManualResetEventSlim();
        doomed.ProgressReporting += progress =>
        {
            if (progress.TokenIds is not { Length: > 0 } || !firstProgress.TrySetResult()) return;
            killed.Wait(TimeSpan.FromSeconds(60));
        };
        await doomed.StartAsync();
        try
        {
            var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: maxNewTokens));
            await firstProgress.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await doomed.AbortConnectionAsync();
            return created.Id;
        }
        finally
        {
            killed.Set();
            await doomed.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task CancelThroughTheApi_IsForwardedToTheWorker()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        var api = new JobApi(server.CreateClient());
        await using var worker = server.CreateWorker("worker-a");
        // Hold the job at its first token until the cancellation has reached the worker, so it cannot finish first.
        var firstProgress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancelReceived = new ManualResetEventSlim();
        worker.CancelReceived += _ => cancelReceived.Set();
        worker.ProgressReporting += progress =>
        {
            if (progress.TokenIds is not { Length: > 0 } || !firstProgress.TrySetResult()) return;
            cancelReceived.Wait(TimeSpan.FromSeconds(60));
        };
        await worker.StartAsync();

        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: 400));
        await firstProgress.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var response = await api.CancelAsync(created.Id);
        var cancelled = await api.WaitForStateAsync(created.Id, JobState.Cancelled);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(cancelled.Result);
        Assert.True(cancelReceived.IsSet);
        Assert.Equal(1, cancelled.Attempts);
    }

    [SkippableFact]
    public async Task AWorkerWithAWrongKey_IsRefused()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        await using var intruder = server.CreateWorker("intruder", key: "not-the-key");

        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => intruder.StartAsync());

        Assert.Contains("refused the worker key (HTTP 401)", refused.Message);
        using var client = server.CreateAnonymousClient();
        using var anonymous = await client.PostAsync($"{EngineHubRoutes.Path}/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [SkippableFact]
    public async Task InBothMode_AJobRunsInProcessWhenNoWorkerHoldsItsModel()
    {
        await using var server = new SteerLabServer(engineMode: "both");
        var api = new JobApi(server.CreateClient());

        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: [1], MaxNewTokens: 5));
        var done = await api.WaitForStateAsync(created.Id, JobState.Succeeded);

        Assert.Equal("in-process", done.WorkerId);
    }
}
