using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Jobs;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Tests.Jobs;

/// <summary>Generate jobs through the REST API, run by the server's own engine (the default mode).</summary>
public sealed class InProcessJobTests
{
    [SkippableFact]
    public async Task GenerateJob_RunsInProcessAndPersistsTheEnginesGreedyOutput()
    {
        await using var server = new SteerLabServer();
        var api = new JobApi(server.CreateClient());

        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: 40));
        Assert.Equal(JobState.Queued, created.State);
        var done = await api.WaitForStateAsync(created.Id, JobState.Succeeded);

        var expected = EngineReference.GreedyNewIds("stories260K", EngineReference.OnceUponATime, 40);
        var result = JobApi.ResultOf(done);
        Assert.Equal(expected, result.NewIds);
        Assert.Equal(EngineReference.OnceUponATime, result.PromptIds);
        Assert.StartsWith(", there was a little girl", result.Text);
        Assert.Equal("in-process", done.WorkerId);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(1.0, done.Progress);
        // The row itself holds the result, written with the final state.
        await using var db = server.CreateDbContext();
        var row = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == created.Id);
        Assert.Equal(JobState.Succeeded, row.State);
        Assert.Equal(expected, JsonSerializer.Deserialize<GenerateJobResult>(row.ResultJson!, JobApi.Json)!.NewIds);
        Assert.NotNull(row.FinishedAt);
    }

    [SkippableFact]
    public async Task GenerateJob_FromText_StreamsEachTokenAndItsTextAsUpdates()
    {
        await using var server = new SteerLabServer();
        var api = new JobApi(server.CreateClient());
        var updates = new ConcurrentQueue<JobUpdate>();
        using var subscription = server.Services.GetRequiredService<JobUpdates>().Subscribe(updates.Enqueue);

        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", Prompt: "Once upon a time", MaxNewTokens: 30));
        var done = await api.WaitForStateAsync(created.Id, JobState.Succeeded);

        var result = JobApi.ResultOf(done);
        Assert.Equal(EngineReference.OnceUponATime, result.PromptIds); // the text was encoded with BOS
        // The final update is published just after the final state is committed, which the poll above may see first.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!updates.Any(u => u.JobId == created.Id && u.State == JobState.Succeeded))
        {
            Assert.True(DateTime.UtcNow < deadline, "the final update was never published");
            await Task.Delay(20);
        }
        var mine = updates.Where(u => u.JobId == created.Id).ToList();
        Assert.Equal(result.NewIds, mine.SelectMany(u => u.TokenIds ?? []).ToArray());
        Assert.Equal(result.Text, string.Concat(mine.Select(u => u.Text)));
        Assert.Equal(JobState.Succeeded, mine[^1].State);
    }

    [SkippableFact]
    public async Task ListJobs_ShowsTheNewestFirst()
    {
        await using var server = new SteerLabServer(engineMode: "workers"); // nothing runs: no worker connects
        var api = new JobApi(server.CreateClient());
        var first = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: [1], MaxNewTokens: 1));
        var second = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: [1], MaxNewTokens: 2));

        var listed = await api.Client.GetFromJsonAsyncOrFail<JobView[]>("/api/jobs?state=Queued");

        Assert.Equal([second.Id, first.Id], listed.Select(j => j.Id).ToArray());
    }

    [SkippableFact]
    public async Task UnknownJob_Is404WithAProblemBody()
    {
        await using var server = new SteerLabServer();
        var api = new JobApi(server.CreateClient());

        using var get = await api.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}");
        using var cancel = await api.CancelAsync(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Contains("there is no job", await get.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
    }
}
