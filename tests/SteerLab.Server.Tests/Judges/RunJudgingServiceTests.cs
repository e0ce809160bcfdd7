using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;
using SteerLab.Server.Jobs;
using SteerLab.Server.Judges;
using SteerLab.Server.Runs;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Tests.Judges;

/// <summary>The server-side judging phase of open-ended runs: runs, answers and judge settings are arranged directly in
/// the database (as RunService and the open-ended job kind leave them), the service is woken, and the rows it writes are
/// checked — every answer judged on both items, each once; a restart resumes where judging stopped; a cancellation
/// stops it at once; a deleted judge or an unreadable key fails the phase with a message.</summary>
public sealed class RunJudgingServiceTests
{
    const string Key = "sk-judging-secret-0123456789";
    const string Behaviour = "talks about love";
    const long JudgeSeed = 77;

    static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    static SteerLabServer NewServer(string? dataFolder = null) => new(engineMode: "workers", dataFolder: dataFolder, extraSettings: new Dictionary<string, string?>
    {
        ["SteerLab:Judges:PollInterval"] = "00:00:00.100",
        ["SteerLab:Judges:RetryBaseDelay"] = "00:00:00.020",
        ["SteerLab:Judges:RetryMaxDelay"] = "00:00:00.200",
    });

    /// <summary>A judge setting of the default team pointing at <paramref name="baseUrl"/>, saved through the service (so
    /// its key is protected as in production).</summary>
    static async Task<Guid> JudgeSettingAsync(SteerLabServer server, string baseUrl, int maxConcurrency = 2, int timeoutSeconds = 10)
    {
        var save = await server.AdminServices.GetRequiredService<IJudgeSettingsService>().SaveAsync(
            new JudgeSettingRequest(null, $"judge {Guid.NewGuid():N}", baseUrl, "judge-model", Key, maxConcurrency, timeoutSeconds, MaxRetries: 1));
        Assert.True(save.Saved, string.Join("; ", save.Errors.SelectMany(e => e.Value)));
        return save.Judge!.Id;
    }

    /// <summary>An open-ended run whose engine job has finished: its answers stored (questions × (unsteered + λs)), its
    /// judging phase in <paramref name="state"/>.</summary>
    static async Task<(Guid RunId, long[] AnswerIds)> RunAsync(SteerLabServer server, Guid? judgeSettingId, int questions = 3,
        RunJudgingState state = RunJudgingState.Queued, string? instance = null, Guid? runningJobId = null)
    {
        var request = new RunRequest(RunKinds.OpenEnded, "judged run", [Guid.NewGuid()], [0, 4], [],
            OpenEnded: new OpenEndedRunSettings("[{\"question\":\"q\"}]", "questions", Behaviour, new JudgeChoice(JudgeKinds.OpenAi, judgeSettingId), JudgeSeed: JudgeSeed));
        await using var db = server.CreateDbContext();
        var job = runningJobId is { } running
            ? new Job
            {
                Id = running, TeamId = Team.DefaultId, Kind = "open-ended", Model = "stories260K", ParametersJson = "{}", State = JobState.Running,
                Attempts = 1, Message = "generating", CreatedAt = DateTime.UtcNow, StartedAt = DateTime.UtcNow,
                // Another instance's run: this server's start-up recovery (asynchronous) must not re-queue it under the test.
                ServerInstance = "another-instance",
            }
            : new Job
            {
                Id = Guid.NewGuid(), TeamId = Team.DefaultId, Kind = "open-ended", Model = "stories260K", ParametersJson = "{}", State = JobState.Succeeded,
                Message = "done", Progress = 1, CreatedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow,
            };
        var run = new EvaluationRun
        {
            Id = Guid.NewGuid(), TeamId = Team.DefaultId, Kind = RunKinds.OpenEnded, Name = "judged run", Model = "stories260K", JobId = job.Id,
            RequestJson = JsonSerializer.Serialize(request, RunJson.Options), ProvenanceJson = "{}", CreatedAt = DateTime.UtcNow,
            JudgeSettingId = judgeSettingId, JudgingState = state, JudgingServerInstance = instance,
        };
        db.Jobs.Add(job);
        db.Runs.Add(run);
        var answers = new List<RunAnswer>();
        for (int q = 0; q < questions; q++)
            foreach (double? lambda in new double?[] { null, 0, 4 })
                answers.Add(new RunAnswer { RunId = run.Id, Series = 0, QuestionIndex = q, Question = $"question {q}", Lambda = lambda, Text = $"answer {q} at {lambda}", Finish = "stop" });
        if (runningJobId is null) db.RunAnswers.AddRange(answers); // a running job's answers come with its result
        await db.SaveChangesAsync();
        return (run.Id, answers.Select(a => a.Id).ToArray());
    }

    static async Task<EvaluationRun> WaitForStateAsync(SteerLabServer server, Guid runId, Func<RunJudgingState?, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            await using (var db = server.CreateDbContext())
            {
                var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
                if (done(run.JudgingState)) return run;
                Assert.True(DateTime.UtcNow < deadline, $"waited {Wait} for {what}; the run is {run.JudgingState}: {run.JudgingMessage}");
            }
            await Task.Delay(50);
        }
    }

    static async Task<List<RunJudgement>> JudgementsAsync(SteerLabServer server, Guid runId)
    {
        await using var db = server.CreateDbContext();
        return await db.RunJudgements.AsNoTracking().Where(j => j.RunId == runId).OrderBy(j => j.Id).ToListAsync();
    }

    [Fact]
    public async Task QueuedRuns_AreJudgedOnBothItems_ForEveryAnswer_WithinTheJudgesSharedConcurrency()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => StubAnswer.Reply("6", TimeSpan.FromMilliseconds(50)));
        await using var server = NewServer();
        var setting = await JudgeSettingAsync(server, stub.BaseUrl, maxConcurrency: 2);
        // Two runs on the same judge at once: each may send two requests, but the setting allows two in all.
        var (runId, answers) = await RunAsync(server, setting);
        var (secondRun, secondAnswers) = await RunAsync(server, setting);

        server.Services.GetRequiredService<JudgingWakeup>().Signal();
        var run = await WaitForStateAsync(server, runId, s => s is RunJudgingState.Succeeded or RunJudgingState.Failed, "judging to end");
        var second = await WaitForStateAsync(server, secondRun, s => s is RunJudgingState.Succeeded or RunJudgingState.Failed, "judging to end");

        Assert.Equal(RunJudgingState.Succeeded, run.JudgingState);
        Assert.Equal(RunJudgingState.Succeeded, second.JudgingState);
        Assert.Equal($"judged {answers.Length * 2} of {answers.Length * 2}: {answers.Length * 2} scored, 0 not scored", run.JudgingMessage);
        Assert.Equal(SteerLabServer.InstanceName, run.JudgingServerInstance);
        Assert.NotNull(run.JudgingFinishedAt);
        var judgements = await JudgementsAsync(server, runId);
        Assert.Equal(answers.Length * 2, judgements.Count);
        foreach (long answer in answers)
            Assert.Equal(RubricItems.All.Order(), judgements.Where(j => j.AnswerId == answer).Select(j => j.Item).Order());
        Assert.All(judgements, j =>
        {
            Assert.Equal("Scored", j.Status);
            Assert.Equal(6, j.Score);
            Assert.Equal("6", j.RawText);
            Assert.Equal(StubJudgeServer.PromptTokens, j.PromptTokens);
            Assert.Equal($"openai:judge-model@{new Uri(stub.BaseUrl).Authority}", j.Judge);
        });
        Assert.Equal(secondAnswers.Length * 2, (await JudgementsAsync(server, secondRun)).Count);
        Assert.Equal((answers.Length + secondAnswers.Length) * 2, stub.Requests);
        Assert.All(stub.Bodies, body => Assert.Equal(JudgeSeed, body.GetProperty("seed").GetInt64()));
        // The behaviour item's prompt carries the run's description; the coherence item's does not.
        Assert.Equal(answers.Length + secondAnswers.Length, stub.Bodies.Count(b => b.GetRawText().Contains(Behaviour, StringComparison.Ordinal)));
        Assert.All(stub.Authorizations, header => Assert.Equal($"Bearer {Key}", header));
        Assert.InRange(stub.MaxInFlight, 1, 2);
    }

    [Fact]
    public async Task IdenticalAnswersToAQuestion_AreJudgedOnce_AndEachGetsTheJudgement()
    {
        await using var stub = await StubJudgeServer.StartAsync("6");
        await using var server = NewServer();
        var setting = await JudgeSettingAsync(server, stub.BaseUrl);
        var (runId, answers) = await RunAsync(server, setting, state: RunJudgingState.WaitingForAnswers);
        // A second vector's series: its unsteered answers are the first series' (same prompts, same seed).
        await using (var db = server.CreateDbContext())
        {
            var unsteered = await db.RunAnswers.AsNoTracking().Where(a => a.RunId == runId && a.Lambda == null).ToListAsync();
            db.RunAnswers.AddRange(unsteered.Select(a => new RunAnswer
            {
                RunId = runId, Series = 1, QuestionIndex = a.QuestionIndex, Question = a.Question, Lambda = null, Text = a.Text, Finish = a.Finish,
            }));
            await db.SaveChangesAsync();
            await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(set => set.SetProperty(r => r.JudgingState, RunJudgingState.Queued));
        }
        server.Services.GetRequiredService<JudgingWakeup>().Signal();

        var run = await WaitForStateAsync(server, runId, s => s is RunJudgingState.Succeeded or RunJudgingState.Failed, "judging to end");
        Assert.Equal(RunJudgingState.Succeeded, run.JudgingState);
        var judgements = await JudgementsAsync(server, runId);
        int all = answers.Length + 3;
        Assert.Equal(all * 2, judgements.Count); // every answer judged on both items
        Assert.Equal(answers.Length * 2, stub.Requests); // the three repeated answers cost nothing more
        Assert.All(judgements, j => Assert.Equal(6, j.Score));
        Assert.Equal(answers.Length * 2 * StubJudgeServer.PromptTokens, judgements.Sum(j => j.PromptTokens)); // tokens counted once
    }

    [Fact]
    public async Task AfterARestart_ARunLeftRunning_IsResumedFromItsFirstUnjudgedAnswer_WithoutDuplicates()
    {
        await using var stub = await StubJudgeServer.StartAsync("6");
        string folder = Directory.CreateTempSubdirectory("steerlab-judging-restart-").FullName;
        try
        {
            Guid runId, othersRun;
            long[] answers;
            await using (var before = NewServer(folder))
            {
                // As a server killed mid-judging leaves it: Running on this instance, three judgements made.
                var setting = await JudgeSettingAsync(before, stub.BaseUrl);
                (runId, answers) = await RunAsync(before, setting, state: RunJudgingState.Running, instance: SteerLabServer.InstanceName);
                (othersRun, _) = await RunAsync(before, setting, state: RunJudgingState.Running, instance: "another-instance");
                await using var db = before.CreateDbContext();
                db.RunJudgements.AddRange(
                    Made(runId, answers[0], RubricItems.Behaviour), Made(runId, answers[0], RubricItems.Coherence), Made(runId, answers[1], RubricItems.Behaviour));
                await db.SaveChangesAsync();
            }

            await using var after = NewServer(folder);
            var run = await WaitForStateAsync(after, runId, s => s is RunJudgingState.Succeeded or RunJudgingState.Failed, "the resumed judging to end");

            Assert.Equal(RunJudgingState.Succeeded, run.JudgingState);
            var judgements = await JudgementsAsync(after, runId);
            Assert.Equal(answers.Length * 2, judgements.Count);
            Assert.Equal(answers.Length * 2, judgements.Select(j => (j.AnswerId, j.Item)).Distinct().Count());
            Assert.Equal(3, judgements.Count(j => j.Judge == "earlier" && j.Score == 3)); // kept as they were
            Assert.Equal(answers.Length * 2 - 3, stub.Requests); // only what was missing was asked
            // The key protected before the restart is read after it (Data Protection keys live in the database).
            Assert.All(stub.Authorizations, header => Assert.Equal($"Bearer {Key}", header));

            // Another instance's run is that instance's to resume.
            await using var db2 = after.CreateDbContext();
            var others = await db2.Runs.AsNoTracking().SingleAsync(r => r.Id == othersRun);
            Assert.Equal(RunJudgingState.Running, others.JudgingState);
            Assert.Equal("another-instance", others.JudgingServerInstance);
            Assert.Empty(await JudgementsAsync(after, othersRun));
        }
        finally { SteerLabServer.TryDelete(folder); }
    }

    [Fact]
    public async Task AnOpenEndedJobCompleting_StartsItsRunsJudging_WithoutWaitingForThePoll()
    {
        await using var stub = await StubJudgeServer.StartAsync("5");
        // A poll far longer than the test waits: only the job's completion can start the judging in time.
        await using var server = new SteerLabServer(engineMode: "workers", extraSettings: new Dictionary<string, string?>
        {
            ["SteerLab:Judges:PollInterval"] = "00:30:00",
        });
        var setting = await JudgeSettingAsync(server, stub.BaseUrl);
        var jobId = Guid.NewGuid();
        var (runId, _) = await RunAsync(server, setting, questions: 2, state: RunJudgingState.WaitingForAnswers, runningJobId: jobId);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the service has looked once at start and now waits for its poll

        var answers = Enumerable.Range(0, 2).SelectMany(q => new double?[] { null, 4 }.Select(lambda =>
            new OpenEndedJobAnswer(q, $"question {q}", lambda, $"answer {q} at {lambda}", "stop", null, null))).ToArray();
        var result = new OpenEndedJobResult("stories260K", "questions", 2, "openai", Behaviour,
            [new OpenEndedJobSeries(Guid.NewGuid(), "vector", "caa", false, [4], answers)]);
        Assert.True(await server.Services.GetRequiredService<JobStore>().CompleteAsync(jobId, 1,
            new EngineJobResult(jobId, EngineJobStatus.Succeeded, JsonSerializer.Serialize(result, EngineJobJson.Options)), CancellationToken.None));

        var run = await WaitForStateAsync(server, runId, s => s is RunJudgingState.Succeeded or RunJudgingState.Failed, "judging to end");
        Assert.Equal(RunJudgingState.Succeeded, run.JudgingState);
        Assert.Equal(answers.Length * 2, (await JudgementsAsync(server, runId)).Count);
        Assert.Equal(answers.Length * 2, stub.Requests);
    }

    [Fact]
    public async Task DeletingTheJudgeSetting_WhileItJudges_StopsThePass_AndFailsTheRunSayingSo()
    {
        var (stub, server, setting, runId) = await StalledJudgingAsync();
        await using var judge = stub;
        await using var host = server;
        Assert.True(await server.AdminServices.GetRequiredService<IJudgeSettingsService>().DeleteAsync(setting));

        var run = await WaitForStateAsync(server, runId, s => s != RunJudgingState.Running, "the pass to stop");
        Assert.Equal(RunJudgingState.Failed, run.JudgingState);
        Assert.Contains("deleted while it was judging", run.JudgingMessage);
        Assert.Equal(1, stub.Aborted); // the call in flight was abandoned, not waited for
        Assert.Equal(2, (await JudgementsAsync(server, runId)).Count); // those made are kept
        Assert.Equal(3, stub.Requests);
    }

    static RunJudgement Made(Guid runId, long answerId, string item) => new()
    {
        RunId = runId, AnswerId = answerId, Item = item, Judge = "earlier", Status = "Scored", Score = 3, RawText = "3", CreatedAt = DateTime.UtcNow,
    };

    [Fact]
    public async Task CancellingTheRun_StopsJudgingAtOnce_EvenWithACallInFlight()
    {
        var (stub, server, _, runId) = await StalledJudgingAsync();
        await using var judge = stub;
        await using var host = server;
        await using (var db = server.CreateDbContext()) // as RunService.CancelAsync does
            await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(set => set.SetProperty(r => r.JudgingState, RunJudgingState.Cancelled));

        var deadline = DateTime.UtcNow + Wait;
        while (stub.Aborted < 1) { Assert.True(DateTime.UtcNow < deadline, "the call in flight was not abandoned"); await Task.Delay(20); }
        var run = await WaitForStateAsync(server, runId, s => s != RunJudgingState.Running, "cancelled");
        Assert.Equal(RunJudgingState.Cancelled, run.JudgingState);
        Assert.Equal(2, (await JudgementsAsync(server, runId)).Count);
        Assert.Equal(3, stub.Requests);
    }

    /// <summary>A run of 9 answers (18 judgements) being judged by a judge that answers twice at once and then never
    /// (one call at a time): returns when the third call is in flight.</summary>
    static async Task<(StubJudgeServer Stub, SteerLabServer Server, Guid Setting, Guid RunId)> StalledJudgingAsync()
    {
        var stub = await StubJudgeServer.StartAsync(n => n <= 2 ? StubAnswer.Reply("6") : StubAnswer.Never);
        var server = NewServer();
        var setting = await JudgeSettingAsync(server, stub.BaseUrl, maxConcurrency: 1, timeoutSeconds: 300);
        var (runId, answers) = await RunAsync(server, setting);
        Assert.Equal(9, answers.Length);
        server.Services.GetRequiredService<JudgingWakeup>().Signal();
        var deadline = DateTime.UtcNow + Wait;
        while (stub.Requests < 3) { Assert.True(DateTime.UtcNow < deadline, "the third judgement was never asked for"); await Task.Delay(20); }
        return (stub, server, setting, runId);
    }

    [Fact]
    public async Task DeletedJudgeSetting_OrUnreadableKey_FailsThePhase_WithAMessage()
    {
        await using var stub = await StubJudgeServer.StartAsync("6");
        await using var server = NewServer();
        // The runs wait for their answers while the settings are spoilt (a queued run could be picked up and judged
        // with the setting as it was before the deletion), then are queued together.
        var deleted = await JudgeSettingAsync(server, stub.BaseUrl);
        var (deletedRun, _) = await RunAsync(server, deleted, state: RunJudgingState.WaitingForAnswers);
        Assert.True(await server.AdminServices.GetRequiredService<IJudgeSettingsService>().DeleteAsync(deleted));
        var corrupted = await JudgeSettingAsync(server, stub.BaseUrl);
        var (corruptedRun, _) = await RunAsync(server, corrupted, state: RunJudgingState.WaitingForAnswers);
        await using (var db = server.CreateDbContext())
        {
            await db.JudgeSettings.Where(j => j.Id == corrupted).ExecuteUpdateAsync(set => set.SetProperty(j => j.ProtectedApiKey, "not-cipher-text"));
            await db.Runs.Where(r => r.Id == deletedRun || r.Id == corruptedRun)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.JudgingState, RunJudgingState.Queued));
        }
        server.Services.GetRequiredService<JudgingWakeup>().Signal();

        var first = await WaitForStateAsync(server, deletedRun, s => s is RunJudgingState.Failed or RunJudgingState.Succeeded, "the phase to end");
        var second = await WaitForStateAsync(server, corruptedRun, s => s is RunJudgingState.Failed or RunJudgingState.Succeeded, "the phase to end");

        Assert.Equal(RunJudgingState.Failed, first.JudgingState);
        Assert.Contains("judge setting this run uses was deleted", first.JudgingMessage);
        Assert.Equal(RunJudgingState.Failed, second.JudgingState);
        Assert.Contains("cannot be read", second.JudgingMessage);
        Assert.Equal(0, stub.Requests);
    }
}
