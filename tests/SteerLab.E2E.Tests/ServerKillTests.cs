using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using SteerLab.E2E.Tests.Support;
using SteerLab.TestSupport;
using Xunit.Abstractions;

namespace SteerLab.E2E.Tests;

/// <summary>DESIGN §9, durability: the real server process is killed hard (SIGKILL to its whole tree, no graceful
/// shutdown, nothing gets to record the interruption) while a job is in the middle of its work, then started again on
/// the same data folder. Every job kind that exists today is idempotent (IJobKind.IsIdempotent), so the killed job must
/// come back re-queued and finish on its second attempt; what was finished before the kill must be exactly as it was.
/// No browser: the REST API is enough. Waits are bounded by deadlines; nothing asserts on durations.</summary>
public sealed class ServerKillTests(ITestOutputHelper output)
{
    const string Model = "steerlab-brown-demo";
    const string DemoCaaVector = "romance-vs-press CAA";
    static readonly TimeSpan JobDeadline = TimeSpan.FromMinutes(6); // a few seconds of work each, on a loaded 2-core machine
    /// <summary>The server in "workers" mode with no worker: it recovers the queue at start but runs nothing, so the
    /// re-queued state can be looked at before anything picks the job up again.</summary>
    static readonly Dictionary<string, string> RunsNothing = new() { ["SteerLab__Engine__Mode"] = "workers" };

    [SkippableFact]
    public async Task KilledDuringAVectorBuild_RestartRequeuesIt_ItStoresExactlyOneVector_AndFinishedWorkIsUntouched()
    {
        var questions = CaaQuestions();
        await using var first = await RunningApp.StartAsync();
        using var api = new RestApi(first.BaseUri);

        // Finished before the kill: a small dataset and the vector built from it.
        Guid keptDataset = await api.UploadDatasetAsync("corrigible-16", "corrigible-16.json", Json(questions.Take(16)));
        Guid keptBuild = await StartBuildAsync(api, keptDataset, "kept CAA");
        var kept = await api.WaitUntilFinishedAsync(keptBuild, JobDeadline);
        Assert.True(RestApi.StateOf(kept) == "Succeeded", kept.ToJsonString());
        Guid keptVector = kept["result"]!["vectorId"]!.GetValue<Guid>();
        var before = await SnapshotAsync(api, keptDataset, keptVector, keptBuild);

        // Killed in the middle: a bigger dataset, so the build is still computing activations when it is killed.
        Guid bigDataset = await api.UploadDatasetAsync("corrigible-96", "corrigible-96.json", Json(questions.Take(96)));
        Guid killedBuild = await StartBuildAsync(api, bigDataset, "killed CAA");
        int vectorsBeforeKill = (await api.GetJsonAsync("/api/vectors?take=500")).AsArray().Count;
        var atKill = await KillWhenUnderWayAsync(first, api, killedBuild);

        // Restarted with no engine: the queue is recovered at start, and the user sees the job re-queued, saying why.
        await using (var parked = await RunningApp.StartOnAsync(first.DataFolder, RunsNothing))
        {
            using var parkedApi = new RestApi(parked.BaseUri);
            var requeued = await parkedApi.WaitForJobAsync(killedBuild, job => RestApi.StateOf(job) != "Running", TimeSpan.FromSeconds(60));
            Assert.True(RestApi.StateOf(requeued) == "Queued", requeued.ToJsonString());
            Assert.Equal(1, requeued["attempts"]!.GetValue<int>());
            Assert.Equal(0, requeued["progress"]!.GetValue<double>());
            Assert.Equal("re-queued: the server stopped while attempt 1 was running", requeued["message"]!.GetValue<string>());
            Assert.Null(requeued["result"]);
            Assert.Equal(before, await SnapshotAsync(parkedApi, keptDataset, keptVector, keptBuild));
            await parked.KillAsync();
        }

        // Restarted with the in-process engine: the build runs again from the start and stores its vector once.
        var restart = Stopwatch.StartNew();
        await using var second = await RunningApp.StartOnAsync(first.DataFolder);
        using var secondApi = new RestApi(second.BaseUri);
        var done = await secondApi.WaitUntilFinishedAsync(killedBuild, JobDeadline);
        output.WriteLine($"killed build: killed {atKill.RanFor.TotalSeconds:0.0} s after it was seen Running (progress {atKill.Progress:0.00}); " +
            $"restart to Succeeded {restart.Elapsed.TotalSeconds:0.0} s");
        Assert.True(RestApi.StateOf(done) == "Succeeded", done.ToJsonString());
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        Assert.Equal("built \"killed CAA\"", done["message"]!.GetValue<string>());
        Assert.Null(done["error"]);

        Guid builtVector = done["result"]!["vectorId"]!.GetValue<Guid>();
        var library = (await secondApi.GetJsonAsync("/api/vectors?take=500")).AsArray();
        var fromKilledBuild = library.Where(v => v!["name"]!.GetValue<string>() == "killed CAA").ToList();
        Assert.Single(fromKilledBuild); // no half-written or duplicate vector from the killed attempt
        Assert.Equal(builtVector, fromKilledBuild[0]!["id"]!.GetValue<Guid>());
        Assert.Equal(vectorsBeforeKill + 1, library.Count);
        string bigHash = (await secondApi.GetJsonAsync($"/api/datasets/{bigDataset}"))["dataset"]!["contentHash"]!.GetValue<string>();
        Assert.Equal(bigHash, fromKilledBuild[0]!["datasetHash"]!.GetValue<string>());

        Assert.Equal(before, await SnapshotAsync(secondApi, keptDataset, keptVector, keptBuild));
        Assert.Empty((await secondApi.GetJsonAsync("/api/jobs?state=Running")).AsArray());
    }

    [SkippableFact]
    public async Task KilledDuringASweep_RestartRequeuesIt_AndItsSecondAttemptGivesTheUninterruptedResult()
    {
        var questions = CaaQuestions();
        await using var first = await RunningApp.StartAsync();
        using var api = new RestApi(first.BaseUri);
        Guid testSet = await api.UploadDatasetAsync("corrigible", "corrigible.json", Json(questions));
        Guid vector = await FindVectorAsync(api, DemoCaaVector);
        var sweep = new { vectorIds = new[] { vector }, testSetId = testSet, denseLambdas = new[] { -4, -2, 0, 2, 4 }, sparseLambdas = new[] { 0 }, maxQuestions = 48 };
        Guid killed = (await api.PostJsonAsync("/api/compare/sweep", sweep, HttpStatusCode.Accepted))["id"]!.GetValue<Guid>();
        var atKill = await KillWhenUnderWayAsync(first, api, killed);

        await using var second = await RunningApp.StartOnAsync(first.DataFolder);
        using var secondApi = new RestApi(second.BaseUri);
        var restart = Stopwatch.StartNew();
        // The same sweep again, queued behind the re-queued one: what an uninterrupted run gives.
        Guid reference = (await secondApi.PostJsonAsync("/api/compare/sweep", sweep, HttpStatusCode.Accepted))["id"]!.GetValue<Guid>();
        var done = await secondApi.WaitUntilFinishedAsync(killed, JobDeadline);
        output.WriteLine($"killed sweep: killed {atKill.RanFor.TotalSeconds:0.0} s after it was seen Running (progress {atKill.Progress:0.00}); " +
            $"restart to Succeeded {restart.Elapsed.TotalSeconds:0.0} s");
        var uninterrupted = await secondApi.WaitUntilFinishedAsync(reference, JobDeadline);

        AssertSecondAttemptSucceeded(done);
        Assert.True(RestApi.StateOf(uninterrupted) == "Succeeded", uninterrupted.ToJsonString());
        var points = done["result"]!["series"]!.AsArray().Single()!["points"]!.AsArray();
        Assert.Equal(5, points.Count);
        Assert.All(points, p => Assert.Equal(48, p!["count"]!.GetValue<int>()));
        Assert.Equal(uninterrupted["result"]!.ToJsonString(), done["result"]!.ToJsonString());
    }

    [SkippableFact]
    public async Task KilledDuringAFeatureDashboard_RestartRequeuesIt_AndItsSecondAttemptGivesTheUninterruptedResult()
    {
        // 120 CAA questions as the corpus: some seconds of work on the demo model.
        var texts = CaaQuestions().Take(120).Select(q => q!["question"]!.GetValue<string>()).ToArray();
        var dashboard = new
        {
            kind = "feature-dashboard",
            parameters = new { model = Model, sae = "sae", hook = (string?)null, features = new[] { 0, 1, 2, 3, 5, 8 }, corpusName = "CAA corrigible questions", texts },
        };
        await using var first = await RunningApp.StartAsync();
        using var api = new RestApi(first.BaseUri);
        Guid killed = (await api.PostJsonAsync("/api/jobs", dashboard, HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var atKill = await KillWhenUnderWayAsync(first, api, killed);

        await using var second = await RunningApp.StartOnAsync(first.DataFolder);
        using var secondApi = new RestApi(second.BaseUri);
        var restart = Stopwatch.StartNew();
        Guid reference = (await secondApi.PostJsonAsync("/api/jobs", dashboard, HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var done = await secondApi.WaitUntilFinishedAsync(killed, JobDeadline);
        output.WriteLine($"killed dashboard: killed {atKill.RanFor.TotalSeconds:0.0} s after it was seen Running (progress {atKill.Progress:0.00}); " +
            $"restart to Succeeded {restart.Elapsed.TotalSeconds:0.0} s");
        var uninterrupted = await secondApi.WaitUntilFinishedAsync(reference, JobDeadline);

        AssertSecondAttemptSucceeded(done);
        Assert.True(RestApi.StateOf(uninterrupted) == "Succeeded", uninterrupted.ToJsonString());
        Assert.Equal(texts.Length, done["result"]!["textCount"]!.GetValue<int>());
        Assert.Equal(6, done["result"]!["features"]!.AsArray().Count);
        Assert.Equal(uninterrupted["result"]!.ToJsonString(), done["result"]!.ToJsonString());
    }

    [SkippableFact]
    public async Task KilledDuringAJudgeRun_RestartResumesTheJudging_EveryAnswerEndsWithExactlyOneJudgementPerItem()
    {
        // An OpenAI-compatible judge on loopback that answers "7" after 300 ms: 20 answers × 2 items take some seconds.
        await using var judge = StubJudgeEndpoint.Start("7", TimeSpan.FromMilliseconds(300));
        await using var first = await RunningApp.StartAsync();
        using var api = new RestApi(first.BaseUri);
        var setting = await api.PostJsonAsync("/api/judges", new
        {
            name = "loopback judge", baseUrl = judge.BaseUrl, model = "stub-judge", apiKey = "sk-loopback-judge",
            maxConcurrency = 2, timeoutSeconds = 20, maxRetries = 1, temperature = 0.0,
        }, HttpStatusCode.Created);
        Guid vector = await FindVectorAsync(api, DemoCaaVector);
        string[] starts = ["It was", "She looked at", "The", "He said", "In the"];
        var run = await api.PostJsonAsync("/api/runs", new
        {
            kind = "open-ended", name = "judged on loopback", vectorIds = new[] { vector }, denseLambdas = new[] { 0.0, 2, 4 }, sparseLambdas = Array.Empty<double>(),
            openEnded = new
            {
                questionsJson = Json(starts.Select(q => (JsonNode?)new JsonObject { ["question"] = q })), questionSetName = "story starts",
                behaviourDescription = "The text reads like romance fiction", judge = new { kind = "openai", judgeSettingId = setting["id"]!.GetValue<Guid>() },
                promptFormat = "raw", maxQuestions = 5, maxNewTokens = 8,
            },
        }, HttpStatusCode.Created);
        Guid runId = run["id"]!.GetValue<Guid>();
        const int judgements = 5 * (3 + 1) * 2; // questions × (λs + unsteered) × rubric items

        // Killed once the judging is under way and far from done.
        var atKill = await WaitForRunAsync(api, runId, view => view["judging"]?["done"]?.GetValue<int>() is >= 4 || IsJudgingOver(view), TimeSpan.FromMilliseconds(100));
        Assert.Equal("Running", atKill["judging"]!["state"]!.GetValue<string>());
        await first.KillAsync();
        int doneAtKill = atKill["judging"]!["done"]!.GetValue<int>();
        Assert.InRange(doneAtKill, 4, judgements - 1);

        // Restarted: the judging resumes where the database says it stopped, and ends.
        var restart = Stopwatch.StartNew();
        await using var second = await RunningApp.StartOnAsync(first.DataFolder);
        using var secondApi = new RestApi(second.BaseUri);
        var done = await WaitForRunAsync(secondApi, runId, IsJudgingOver, TimeSpan.FromMilliseconds(500));
        output.WriteLine($"judge run: killed at {doneAtKill}/{judgements} judgements; restart to done {restart.Elapsed.TotalSeconds:0.0} s; " +
            $"the judge was asked {judge.Requests} times");
        Assert.True(done["judging"]!["state"]!.GetValue<string>() == "Succeeded", done.ToJsonString());
        Assert.Equal(judgements, done["judging"]!["done"]!.GetValue<int>());
        Assert.Equal(judgements, done["judging"]!["total"]!.GetValue<int>());
        var counts = done["openEnded"]!["counts"]!;
        Assert.Equal(judgements, counts["scored"]!.GetValue<int>());
        Assert.Equal(0, counts["pending"]!.GetValue<int>() + counts["failed"]!.GetValue<int>() + counts["unparseable"]!.GetValue<int>());
        // The engine job finished before the kill and was not run again.
        Assert.Equal("Succeeded", done["summary"]!["state"]!.GetValue<string>());
        Assert.Equal(1, (await secondApi.GetJobAsync(done["summary"]!["jobId"]!.GetValue<Guid>()))["attempts"]!.GetValue<int>());

        var answers = (await secondApi.GetJsonAsync($"/api/runs/{runId}/answers?take=500")).AsArray();
        Assert.Equal(judgements / 2, answers.Count);
        Assert.All(answers, a =>
        {
            Assert.Equal(7, a!["behaviour"]!["score"]!.GetValue<double>());
            Assert.Equal(7, a["coherence"]!["score"]!.GetValue<double>());
        });
        // Each distinct answer to a question asked once per item (the λ = 0 answers equal the unsteered ones and share
        // their judgements), except those in flight at the kill (at most the concurrency limit) asked again.
        int distinct = answers.Select(a => (a!["question"]!.GetValue<string>(), a["text"]!.GetValue<string>())).Distinct().Count();
        Assert.True(distinct <= judgements / 2 - starts.Length, $"{distinct} distinct answers: the λ = 0 ones should repeat the unsteered ones");
        Assert.InRange(judge.Requests, distinct * 2, distinct * 2 + 2);
    }

    static bool IsJudgingOver(JsonNode view) => view["judging"]?["state"]?.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled"
        || RestApi.StateOf(view["summary"]!) is "Failed" or "Cancelled" or "Interrupted";

    static Task<JsonNode> WaitForRunAsync(RestApi api, Guid runId, Func<JsonNode, bool> until, TimeSpan interval) =>
        api.WaitForAsync($"/api/runs/{runId}", until, JobDeadline, interval);

    /// <summary>What the kill happened on: how long after the job was first seen Running, at what recorded progress.</summary>
    sealed record KillPoint(TimeSpan RanFor, double Progress);

    /// <summary>Waits until the job is Running with progress recorded (the engine is mid-work), then kills the server.
    /// A job that finishes first makes the test fail: its workload is too small to test a kill.</summary>
    static async Task<KillPoint> KillWhenUnderWayAsync(RunningApp app, RestApi api, Guid jobId)
    {
        await api.WaitForJobAsync(jobId, job => RestApi.StateOf(job) == "Running", JobDeadline, TimeSpan.FromMilliseconds(100));
        var running = Stopwatch.StartNew();
        var job = await api.WaitForJobAsync(jobId, RestApi.IsUnderWay, JobDeadline, TimeSpan.FromMilliseconds(100));
        Assert.True(RestApi.IsUnderWay(job), $"the job finished before it could be killed mid-work; give it more work:\n{job.ToJsonString()}");
        await app.KillAsync();
        return new KillPoint(running.Elapsed, job["progress"]!.GetValue<double>());
    }

    static void AssertSecondAttemptSucceeded(JsonNode job)
    {
        Assert.True(RestApi.StateOf(job) == "Succeeded", job.ToJsonString());
        Assert.Equal(2, job["attempts"]!.GetValue<int>()); // the killed attempt, then the re-run
        Assert.Null(job["error"]);
        Assert.False(job["cancelRequested"]!.GetValue<bool>());
    }

    static async Task<Guid> StartBuildAsync(RestApi api, Guid datasetId, string name)
    {
        var request = new { datasetId, model = Model, method = "caa", hook = "blocks.1.hook_resid_post", readPosition = "answer", name };
        return (await api.PostJsonAsync("/api/vectors/build", request, HttpStatusCode.Accepted))["id"]!.GetValue<Guid>();
    }

    static async Task<Guid> FindVectorAsync(RestApi api, string name)
    {
        var vectors = (await api.GetJsonAsync("/api/vectors?take=500")).AsArray();
        return vectors.Single(v => v!["name"]!.GetValue<string>() == name)!["id"]!.GetValue<Guid>();
    }

    /// <summary>Everything the finished work left, as the API answers it: the vector's export (byte for byte), the
    /// dataset and all its pairs, and the finished job with its result.</summary>
    static async Task<string> SnapshotAsync(RestApi api, Guid datasetId, Guid vectorId, Guid jobId)
    {
        byte[] export = await api.GetBytesAsync($"/api/vectors/{vectorId}/export");
        string dataset = await api.GetStringAsync($"/api/datasets/{datasetId}");
        string pairs = await api.GetStringAsync($"/api/datasets/{datasetId}/pairs?take=500");
        string job = await api.GetStringAsync($"/api/jobs/{jobId}");
        return $"export sha256 {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(export))} ({export.Length} bytes)\n{dataset}\n{pairs}\n{job}";
    }

    /// <summary>The CAA "corrigible-neutral-HHH" A/B questions (290).</summary>
    static JsonArray CaaQuestions()
    {
        string file = Path.Combine(SharedData.Require("caa"), "generate", "corrigible-neutral-HHH", "generate_dataset.json");
        return JsonNode.Parse(File.ReadAllText(file))!.AsArray();
    }

    static string Json(IEnumerable<JsonNode?> questions) => new JsonArray([.. questions.Select(q => q!.DeepClone())]).ToJsonString();
}
