using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SteerLab.Server.Jobs;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Tests.Jobs;

/// <summary>A server that stopped abruptly (its jobs left Running in the database) and starts again on the same file.</summary>
public sealed class JobRecoveryTests
{
    [SkippableFact]
    public async Task Restart_RequeuesIdempotentJobsLeftRunning_MarksOthersInterrupted_AndKeepsFinishedResults()
    {
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-restart-").FullName;
        try
        {
            var generate = NewJob(EngineJobKinds.Generate, JobState.Running, SteerLabServer.InstanceName,
                JsonSerializer.Serialize(new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: 20), JobApi.Json));
            var unknownKind = NewJob("import-something", JobState.Running, SteerLabServer.InstanceName, "{}");
            var otherInstance = NewJob(EngineJobKinds.Generate, JobState.Running, "another-instance", generate.ParametersJson);
            var finished = NewJob(EngineJobKinds.Generate, JobState.Succeeded, SteerLabServer.InstanceName, generate.ParametersJson);
            finished.ResultJson = """{"model":"stories260K","promptIds":[1],"newIds":[7,8,9],"text":"kept","finish":"length","stopId":null}""";
            finished.FinishedAt = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);

            // First run: migrate, then "crash" with jobs left Running (rows written as the crashed run left them).
            await using (var crashed = new SteerLabServer(dataFolder: dataFolder))
            {
                crashed.CreateClient().Dispose();
                await using var db = crashed.CreateDbContext();
                db.Jobs.AddRange(generate, unknownKind, otherInstance, finished);
                await db.SaveChangesAsync();
            }

            await using var restarted = new SteerLabServer(dataFolder: dataFolder);
            var api = new JobApi(restarted.CreateClient());

            var rerun = await api.WaitForStateAsync(generate.Id, JobState.Succeeded);
            Assert.Equal(2, rerun.Attempts);
            Assert.Equal(EngineReference.GreedyNewIds("stories260K", EngineReference.OnceUponATime, 20), JobApi.ResultOf(rerun).NewIds);

            var interrupted = await api.GetAsync(unknownKind.Id);
            Assert.Equal(JobState.Interrupted, interrupted.State);
            Assert.Contains("the server stopped while attempt 1 was running", interrupted.Error);
            Assert.Contains("not re-run automatically", interrupted.Error);

            Assert.Equal(JobState.Running, (await api.GetAsync(otherInstance.Id)).State); // not ours to recover

            await using var check = restarted.CreateDbContext();
            var kept = await check.Jobs.AsNoTracking().SingleAsync(j => j.Id == finished.Id);
            Assert.Equal(JobState.Succeeded, kept.State);
            Assert.Equal(finished.ResultJson, kept.ResultJson);
            Assert.Equal(finished.FinishedAt, kept.FinishedAt);
        }
        finally { SteerLabServer.TryDelete(dataFolder); }
    }

    [Fact]
    public async Task Restart_DoesNotRunAgainAGenerationStreamedToAReaderOfTheOldProcess_ButRequeuesOneStartedThroughTheApi()
    {
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-restart-").FullName;
        try
        {
            var parameters = new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: 20);
            var streamed = NewJob(EngineJobKinds.Generate, JobState.Running, SteerLabServer.InstanceName,
                JsonSerializer.Serialize(parameters with { Streamed = true }, JobApi.Json));
            var fromApi = NewJob(EngineJobKinds.Generate, JobState.Running, SteerLabServer.InstanceName, JsonSerializer.Serialize(parameters, JobApi.Json));
            await using (var crashed = new SteerLabServer(engineMode: "workers", dataFolder: dataFolder))
            {
                crashed.CreateClient().Dispose();
                await using var db = crashed.CreateDbContext();
                db.Jobs.AddRange(streamed, fromApi);
                await db.SaveChangesAsync();
            }

            await using var restarted = new SteerLabServer(engineMode: "workers", dataFolder: dataFolder); // nothing runs here
            var api = new JobApi(restarted.CreateClient());

            var requeued = await api.WaitForStateAsync(fromApi.Id, JobState.Queued);
            var interrupted = await api.WaitForStateAsync(streamed.Id, JobState.Interrupted);
            Assert.Contains("the server stopped", requeued.Message);
            Assert.Contains("streamed to a reader that went with the server", interrupted.Error);
        }
        finally { SteerLabServer.TryDelete(dataFolder); }
    }

    [SkippableFact]
    public async Task WithoutAnInstanceName_ARestartingServerRecoversJobsLeftRunningByAnyInstance()
    {
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-restart-").FullName;
        var singleInstance = new Dictionary<string, string?> { ["SteerLab:InstanceName"] = null };
        try
        {
            // A container gets a new machine name at each restart: the old name must not hide the job.
            var job = NewJob(EngineJobKinds.Generate, JobState.Running, "old-container-hostname", "{}");
            // No engine in the first server either: should its start-up recovery (asynchronous) still be under way when
            // the row is written, it may re-queue the job too, but must not run it.
            await using (var crashed = new SteerLabServer(engineMode: "workers", dataFolder: dataFolder, extraSettings: singleInstance))
            {
                crashed.CreateClient().Dispose();
                await using var db = crashed.CreateDbContext();
                db.Jobs.Add(job);
                await db.SaveChangesAsync();
            }

            await using var restarted = new SteerLabServer(engineMode: "workers", dataFolder: dataFolder, extraSettings: singleInstance);
            var api = new JobApi(restarted.CreateClient());

            var requeued = await api.WaitForStateAsync(job.Id, JobState.Queued);
            Assert.Contains("the server stopped while attempt 1 was running", requeued.Message);
        }
        finally { SteerLabServer.TryDelete(dataFolder); }
    }

    [SkippableFact]
    public async Task Shutdown_StopsARunningJobAndRequeuesIt_ThenTheNextStartFinishesIt()
    {
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-shutdown-").FullName;
        try
        {
            Guid jobId;
            var server = new SteerLabServer(dataFolder: dataFolder);
            try
            {
                var api = new JobApi(server.CreateClient());
                // Hold the engine at its first token until the shutdown has begun.
                var firstToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var stopping = new ManualResetEventSlim();
                server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopping.Set);
                using var subscription = server.Services.GetRequiredService<JobUpdates>().Subscribe(update =>
                {
                    if (update.TokenIds is { Length: > 0 } && firstToken.TrySetResult()) stopping.Wait(TimeSpan.FromSeconds(60));
                });
                jobId = (await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: EngineReference.OnceUponATime, MaxNewTokens: 400))).Id;
                await firstToken.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            finally { await server.DisposeAsync(); }

            await using (var db = new SteerLabServer(dataFolder: dataFolder, engineMode: "workers")) // nothing runs here
            {
                var requeued = await new JobApi(db.CreateClient()).GetAsync(jobId);
                Assert.Equal(JobState.Queued, requeued.State);
                Assert.Equal(1, requeued.Attempts);
                Assert.Contains("the server stopped", requeued.Message);
                Assert.False(requeued.CancelRequested);
            }

            await using var restarted = new SteerLabServer(dataFolder: dataFolder);
            var done = await new JobApi(restarted.CreateClient()).WaitForStateAsync(jobId, JobState.Succeeded);
            Assert.Equal(2, done.Attempts);
        }
        finally { SteerLabServer.TryDelete(dataFolder); }
    }

    static Job NewJob(string kind, JobState state, string instance, string parametersJson) => new()
    {
        Id = Guid.NewGuid(),
        TeamId = Team.DefaultId,
        Kind = kind,
        Model = "stories260K",
        ParametersJson = parametersJson,
        State = state,
        Attempts = 1,
        WorkerId = "in-process",
        ServerInstance = instance,
        CreatedAt = DateTime.UtcNow,
        StartedAt = DateTime.UtcNow,
    };
}
