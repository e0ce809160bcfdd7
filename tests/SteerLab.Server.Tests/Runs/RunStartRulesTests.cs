using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Datasets;
using SteerLab.Server.Tests.Support;
using SteerLab.Server.Tests.Vectors;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Tests.Runs;

/// <summary>What <c>POST /api/runs</c> refuses and who may do what with a run, on a host with no engine (engine mode
/// "workers"): nothing computes, so a started run's job stays queued.</summary>
public sealed class RunStartRulesTests
{
    static async Task<(SteerLabServer Server, HttpClient Client, Guid Dense, Guid Sparse, DatasetSummary Plain, DatasetSummary Ab)> ArrangeAsync(
        Dictionary<string, string?>? extra = null)
    {
        var server = RunTestHosts.NewDemoServer(RunTestHosts.RequireDemo(), "workers", extra);
        var client = server.CreateClient();
        var vectors = await new VectorApi(client).ListAsync($"?model={DemoAssets.ModelName}");
        var plain = (await new DatasetApi(client).ListAsync()).First(d => d.Kind == DatasetPairKind.Completion);
        using var upload = await new DatasetApi(client).UploadAsync(RunTestHosts.AbTestSet, "romance-ab.json", "romance A/B");
        var ab = await DatasetApi.ReadAsync<DatasetSummary>(upload, "upload");
        return (server, client, vectors.First(v => !v.IsSparse).Id, vectors.First(v => v.IsSparse).Id, plain, ab);
    }

    static RunRequest AbSweep(Guid vector, Guid testSet) => new(RunKinds.AbSweep, null, [vector], [0, 4], [0, 16], AbSweep: new AbSweepRunSettings(testSet, 2));

    static RunRequest OpenEnded(Guid vector, JudgeChoice judge, string questions = """[{"question": "It was"}]""", int maxNewTokens = 8) =>
        new(RunKinds.OpenEnded, null, [vector], [0, 4], [0, 16],
            OpenEnded: new OpenEndedRunSettings(questions, "starts", "reads like romance", judge, PromptFormat: "raw", MaxQuestions: 1, MaxNewTokens: maxNewTokens));

    [SkippableFact]
    public async Task Start_WithProblems_Is400WithErrorsByRequestField_AndQueuesNothing()
    {
        var (server, client, dense, sparse, plain, ab) = await ArrangeAsync();
        await using var _ = server;
        var runs = new RunApi(client);

        var basics = await runs.StartRefusedAsync(new RunRequest("bogus", new string('n', 201), [], [], []));
        Assert.Contains("ab-sweep", basics["kind"][0]);
        Assert.Contains("200", basics["name"][0]);
        Assert.Contains("at least one vector", basics["vectorIds"][0]);

        var unknownVector = Guid.NewGuid();
        Assert.Contains($"there is no vector {unknownVector}", (await runs.StartRefusedAsync(AbSweep(unknownVector, ab.Id)))["vectorIds"][0]);
        var grids = await runs.StartRefusedAsync(new RunRequest(RunKinds.AbSweep, null, [dense, sparse], [], [.. Enumerable.Range(0, 42).Select(i => (double)i)],
            AbSweep: new AbSweepRunSettings(ab.Id)));
        Assert.Contains("at least one", grids["denseLambdas"][0]);
        Assert.Contains("at most 41", grids["sparseLambdas"][0]);
        Assert.Contains("settings", (await runs.StartRefusedAsync(AbSweep(dense, ab.Id) with { AbSweep = null }))["abSweep"][0]);
        Assert.Contains("A/B questions", (await runs.StartRefusedAsync(AbSweep(dense, plain.Id)))["abSweep.testSetId"][0]);
        // A bound only the job kind checks comes back under the request's field.
        Assert.Contains("between 1 and", (await runs.StartRefusedAsync(AbSweep(dense, ab.Id) with { AbSweep = new AbSweepRunSettings(ab.Id, 0) }))["abSweep.maxQuestions"][0]);

        var questions = await runs.StartRefusedAsync(OpenEnded(dense, new JudgeChoice(JudgeKinds.Classifier, Contrast: "romance-vs-press"), """[{"question": 7}]"""));
        Assert.Contains("question", questions["openEnded.questionsJson"][0]);
        Assert.Contains("must be a string", questions["openEnded.questionsJson"][0]);
        var contrast = await runs.StartRefusedAsync(OpenEnded(dense, new JudgeChoice(JudgeKinds.Classifier, Contrast: "jazz-vs-opera")));
        Assert.Contains("romance-vs-press", contrast["openEnded.judge.contrast"][0]);
        var judge = Guid.NewGuid();
        Assert.Contains($"there is no judge {judge}", (await runs.StartRefusedAsync(OpenEnded(dense, new JudgeChoice(JudgeKinds.OpenAi, judge))))["openEnded.judge.judgeSettingId"][0]);
        Assert.Contains("one of", (await runs.StartRefusedAsync(OpenEnded(dense, new JudgeChoice("oracle"))))["openEnded.judge.kind"][0]);
        Assert.True((await runs.StartRefusedAsync(OpenEnded(dense, new JudgeChoice(JudgeKinds.Classifier, Contrast: "romance-vs-press"), maxNewTokens: 0)))
            .ContainsKey("openEnded.maxNewTokens"));

        var nothing = new RunRequest(RunKinds.SideEffects, null, [dense], [0, 4], [], SideEffects: new SideEffectsRunSettings(null, []));
        Assert.Contains("held-out text", (await runs.StartRefusedAsync(nothing))["sideEffects"][0]);
        var plainBenchmark = nothing with { SideEffects = new SideEffectsRunSettings(null, [plain.Id]) };
        Assert.Contains("A/B questions", (await runs.StartRefusedAsync(plainBenchmark))["sideEffects.benchmarkIds"][0]);
        var missingHeldOut = Guid.NewGuid();
        Assert.Contains($"there is no dataset {missingHeldOut}",
            (await runs.StartRefusedAsync(nothing with { SideEffects = new SideEffectsRunSettings(missingHeldOut, []) }))["sideEffects.heldOutDatasetId"][0]);

        Assert.Empty(await client.GetFromJsonAsyncOrFail<List<RunSummary>>("/api/runs"));
        Assert.Empty(await client.GetFromJsonAsyncOrFail<JobView[]>("/api/jobs"));
    }

    [SkippableFact]
    public async Task SideEffectsRun_CarriesTheHeldOutTextsAndBenchmarkPairs_InTheJob()
    {
        var (server, client, dense, _, plain, ab) = await ArrangeAsync();
        await using var _ = server;
        var request = new RunRequest(RunKinds.SideEffects, "side effects", [dense], [0, 4], [],
            SideEffects: new SideEffectsRunSettings(plain.Id, [ab.Id], WindowTokens: 16, MaxWindows: 4, MaxBenchmarkQuestions: 3));
        var run = await new RunApi(client).StartAsync(request);

        var job = await new JobApi(client).GetAsync(run.JobId);
        Assert.Equal("side-effects", job.Kind);
        var parameters = job.Parameters.Deserialize<SteerLab.Shared.Engine.SideEffectsJobParameters>(JobApi.Json)!;
        await using var db = server.CreateDbContext();
        var heldOut = SteerLab.Server.Datasets.DatasetPairsJson.Read(db.Datasets.Single(d => d.Id == plain.Id).PairsJson, "held out").Pairs;
        var expected = heldOut.SelectMany(p => new[] { p.Prompt, p.Positive, p.Negative }).Where(t => !string.IsNullOrWhiteSpace(t)).Distinct().ToArray();
        Assert.Equal(expected, parameters.HeldOutTexts);
        Assert.Equal(plain.Name, parameters.HeldOutName);
        var benchmark = Assert.Single(parameters.Benchmarks);
        Assert.Equal(db.Datasets.Single(d => d.Id == ab.Id).PairsJson, benchmark.PairsJson);
        Assert.Equal(3, benchmark.MaxQuestions);
        var view = await new RunApi(client).GetAsync(run.Id);
        Assert.Equal(["held-out text", "benchmark"], view.Provenance.Datasets.Select(d => d.Role));
        Assert.Equal(expected.Length, view.Provenance.Datasets[0].Items);
        Assert.Equal(3, view.Provenance.Datasets[1].Used);
        Assert.Equal(JobState.Queued, view.Summary.State);
        Assert.Null(view.SideEffects);
    }

    [SkippableFact]
    public async Task OpenAiJudgedRun_WaitsForAnswers_KeepsNoKeyInProvenance_AndCancelStopsJobAndJudging()
    {
        var (server, client, dense, _, _, _) = await ArrangeAsync();
        await using var _ = server;
        var team = await RunTestHosts.AdminTeamAsync(server);
        var setting = new JudgeSetting
        {
            Id = Guid.NewGuid(), TeamId = team, Name = "house judge", BaseUrl = "http://127.0.0.1:9/v1", Model = "judge-model", ProtectedApiKey = "cipher-text",
            MaxConcurrency = 2, TimeoutSeconds = 30, MaxRetries = 1, Temperature = 0, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        await using (var db = server.CreateDbContext())
        {
            db.JudgeSettings.Add(setting);
            await db.SaveChangesAsync();
        }
        var run = await new RunApi(client).StartAsync(OpenEnded(dense, new JudgeChoice(JudgeKinds.OpenAi, setting.Id)));

        Assert.Equal(RunJudgingState.WaitingForAnswers, run.Judging);
        var job = await new JobApi(client).GetAsync(run.JobId);
        Assert.Equal("none", job.Parameters.GetProperty("judge").GetProperty("kind").GetString());
        var view = await new RunApi(client).GetAsync(run.Id);
        Assert.Equal(new JudgeProvenance(JudgeKinds.OpenAi, "house judge", "http://127.0.0.1:9/v1", "judge-model", 2, 30, 1, 0), view.Provenance.Judge);
        Assert.Equal(new JudgingView(RunJudgingState.WaitingForAnswers, 0, 0, null, "house judge", 0, 0), view.Judging);
        await using (var db = server.CreateDbContext())
            Assert.DoesNotContain("cipher-text", db.Runs.Single(r => r.Id == run.Id).ProvenanceJson);

        using (var cancel = await client.PostAsync($"/api/runs/{run.Id}/cancel", null))
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = await new RunApi(client).GetAsync(run.Id);
        Assert.Equal(JobState.Cancelled, cancelled.Summary.State);
        Assert.Equal(RunJudgingState.Cancelled, cancelled.Summary.Judging);
        using (var again = await client.PostAsync($"/api/runs/{run.Id}/cancel", null))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [SkippableFact]
    public async Task FullJobQueue_Is429_AndLeavesNoRunBehind()
    {
        var (server, client, dense, _, _, ab) = await ArrangeAsync(new() { ["SteerLab:Limits:MaxQueuedJobsPerTeam"] = "1" });
        await using var _ = server;
        await new RunApi(client).StartAsync(AbSweep(dense, ab.Id));

        using var refused = await new RunApi(client).PostAsync(AbSweep(dense, ab.Id));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        await using var db = server.CreateDbContext();
        Assert.Equal(1, db.Runs.Count());
        Assert.Equal(1, db.Jobs.Count());
    }

    [SkippableFact]
    public async Task AnotherTeamsRun_IsNotFound_AndAViewerMayReadButNotStart()
    {
        var (server, client, dense, _, _, ab) = await ArrangeAsync();
        await using var _ = server;
        var run = await new RunApi(client).StartAsync(AbSweep(dense, ab.Id));
        var otherTeam = await Accounts.Accounts.CreateTeamAsync(server, "Other team");
        var (_, outsider) = await RunTestHosts.MemberAsync(server, otherTeam, TeamRoles.Editor);
        var (_, viewer) = await RunTestHosts.MemberAsync(server, await RunTestHosts.AdminTeamAsync(server), TeamRoles.Viewer);

        foreach (string path in new[] { "", "/answers", "/export?format=csv", "/agreement", "/review/next" })
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/runs/{run.Id}{path}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync($"/api/runs/{run.Id}/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync($"/api/runs/{run.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await outsider.PostAsJsonAsync($"/api/runs/{run.Id}/reviews", new ReviewScoreRequest(1, RubricItems.Behaviour, 5), JobApi.Json)).StatusCode);
        Assert.Empty(await outsider.GetFromJsonAsyncOrFail<List<RunSummary>>("/api/runs"));
        // The team's vectors do not exist for the outsider either.
        Assert.Contains($"there is no vector {dense}", (await new RunApi(outsider).StartRefusedAsync(AbSweep(dense, ab.Id)))["vectorIds"][0]);

        Assert.Equal(run.Id, (await new RunApi(viewer).GetAsync(run.Id)).Summary.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await new RunApi(viewer).PostAsync(AbSweep(dense, ab.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/runs/{run.Id}/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/runs/{run.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/runs/{run.Id}/review/next")).StatusCode);
        Assert.Single(await client.GetFromJsonAsyncOrFail<List<RunSummary>>("/api/runs"));
    }
}
