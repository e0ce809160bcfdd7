using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Jobs;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Tests.Jobs;

public sealed class JobCancellationTests
{
    [SkippableFact]
    public async Task CancelThroughTheApi_StopsARunningGenerateJob()
    {
        await using var server = new SteerLabServer();
        var api = new JobApi(server.CreateClient());
        // Hold the engine at its first token until the cancel request has been made, so the job cannot finish first
        // (stories260K generates hundreds of tokens a second).
        var firstToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancelSent = new ManualResetEventSlim();
        using var subscription = server.Services.GetRequiredService<JobUpdates>().Subscribe(update =>
        {
            if (update.TokenIds is not { Length: > 0 } || !firstToken.TrySetResult()) return;
            cancelSent.Wait(TimeSpan.FromSeconds(60));
        });

        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: 400));
        await firstToken.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var response = await api.CancelAsync(created.Id);
        cancelSent.Set();
        var cancelled = await api.WaitForStateAsync(created.Id, JobState.Cancelled);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(cancelled.CancelRequested);
        Assert.Null(cancelled.Result);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.True(cancelled.Progress < 1, $"progress {cancelled.Progress}");
        using var again = await api.CancelAsync(created.Id);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // already finished
    }

    [SkippableFact]
    public async Task CancelThroughTheApi_EndsAQueuedJobAtOnce()
    {
        await using var server = new SteerLabServer(engineMode: "workers"); // no worker: the job stays queued
        var api = new JobApi(server.CreateClient());
        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: [1], MaxNewTokens: 5));

        using var response = await api.CancelAsync(created.Id);
        var job = await api.GetAsync(created.Id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Equal(0, job.Attempts);
    }
}
