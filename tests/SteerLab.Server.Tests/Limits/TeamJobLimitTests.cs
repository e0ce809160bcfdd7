using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Jobs;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Tests.Limits;

/// <summary>Jobs per team (SteerLab:Limits:MaxRunningJobsPerTeam, MaxQueuedJobsPerTeam): a team at its running limit
/// waits while other teams' jobs start, and a team with a full queue is refused new jobs. The engine is a
/// <see cref="ScriptedWorker"/>, so jobs stay running until the test finishes them.</summary>
public sealed class TeamJobLimitTests
{
    [Fact]
    public async Task ATeamAtItsRunningLimit_Waits_WhileAnotherTeamsLaterJobStarts()
    {
        await using var server = new SteerLabServer(engineMode: "workers", extraSettings: new Dictionary<string, string?>
        {
            ["SteerLab:Limits:MaxRunningJobsPerTeam"] = "1",
        });
        var store = server.Services.GetRequiredService<JobStore>();
        var teamA = await Accounts.Accounts.CreateTeamAsync(server, "team A");
        var teamB = await Accounts.Accounts.CreateTeamAsync(server, "team B");
        await using var worker = new ScriptedWorker(server);
        await worker.StartAsync(capacity: 4, "stories260K");

        // Team A queues three jobs before team B queues one; the worker has room for all four.
        var a1 = await QueueAsync(store, teamA);
        var a2 = await QueueAsync(store, teamA);
        var a3 = await QueueAsync(store, teamA);
        var b1 = await QueueAsync(store, teamB);
        server.Services.GetRequiredService<JobWakeup>().Signal();
        var firstTwo = new[] { (await worker.NextJobAsync()).JobId, (await worker.NextJobAsync()).JobId };

        Assert.Equal(new[] { a1, b1 }.Order(), firstTwo.Order());
        Assert.Equal(JobState.Queued, (await store.FindAsync(a2, default))!.State);
        Assert.False(worker.TryTakeJob(out _));

        // Team A's running job ends: its next job starts, oldest first.
        await worker.CompleteAsync(Succeeded(a1));
        Assert.Equal(a2, (await worker.NextJobAsync()).JobId);
        Assert.Equal(JobState.Queued, (await store.FindAsync(a3, default))!.State);
        Assert.Equal(JobState.Running, (await store.FindAsync(b1, default))!.State);
    }

    [Fact]
    public async Task ATeamWithAFullQueue_IsRefusedWith429_WhileAnotherTeamCanStillQueue()
    {
        await using var server = new SteerLabServer(engineMode: "workers", extraSettings: new Dictionary<string, string?>
        {
            ["SteerLab:Limits:MaxQueuedJobsPerTeam"] = "2",
        });
        var api = new JobApi(server.CreateClient());
        var job = new GenerateJobParameters("stories260K", PromptIds: [1, 2], MaxNewTokens: 4);
        await api.CreateGenerateAsync(job); // no worker is connected: both stay queued
        await api.CreateGenerateAsync(job);

        using var refused = await api.PostGenerateAsync(job);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var otherTeam = await Accounts.Accounts.CreateTeamAsync(server, "other team");
        var othersJob = await QueueAsync(server.Services.GetRequiredService<JobStore>(), otherTeam);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("SteerLab:Limits:MaxQueuedJobsPerTeam", problem.GetProperty("detail").GetString());
        Assert.Equal(JobState.Queued, (await server.Services.GetRequiredService<JobStore>().FindAsync(othersJob, default))!.State);
    }

    static async Task<Guid> QueueAsync(JobStore store, Guid team)
    {
        string parameters = JsonSerializer.Serialize(new GenerateJobParameters("stories260K", PromptIds: [1, 2], MaxNewTokens: 4), SteerLab.Engine.Worker.EngineJobJson.Options);
        return (await store.CreateAsync(EngineJobKinds.Generate, parameters, "stories260K", team, default)).Id;
    }

    static EngineJobResult Succeeded(Guid jobId) => new(jobId, EngineJobStatus.Succeeded,
        JsonSerializer.Serialize(new GenerateJobResult("stories260K", [1, 2], [3], null, "length", null), SteerLab.Engine.Worker.EngineJobJson.Options));
}
