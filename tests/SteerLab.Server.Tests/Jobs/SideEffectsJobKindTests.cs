using System.Net;
using System.Text.Json;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using static SteerLab.Server.Tests.Jobs.DemoEvaluationJobs;

namespace SteerLab.Server.Tests.Jobs;

/// <summary>"side-effects" jobs on the real host over the built-in demo: what POST /api/jobs refuses, and a whole job run by
/// the in-process engine.</summary>
public sealed class SideEffectsJobKindTests
{
    static readonly TimeSpan JobWait = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task CreateJob_RefusesBadParameters_NamingEach()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();
        var valid = SideEffects();

        var nothing = await PostExpecting400(client, EngineJobKinds.SideEffects, valid with { HeldOutTexts = [], Benchmarks = [], WindowTokens = 4, MaxWindows = 1001 });
        Assert.Contains(nothing["heldOutTexts"], e => e.Contains("at least one benchmark"));
        Assert.Contains(nothing["windowTokens"], e => e.Contains("between 8 and 1024"));
        Assert.Contains(nothing["maxWindows"], e => e.Contains("between 1 and 1000"));

        var benchmarks = await PostExpecting400(client, EngineJobKinds.SideEffects, valid with
        {
            Benchmarks = [new SideEffectsBenchmarkParameters("broken", """[{"prompt": "Which?", "correct": "(A)"}]"""), new SideEffectsBenchmarkParameters("", "", MaxQuestions: 0)],
        });
        Assert.Contains(benchmarks["benchmarks[0].pairsJson"], e => e.Contains("benchmark 'broken'") && e.Contains("item 0"));
        Assert.Contains(benchmarks["benchmarks[1].pairsJson"], e => e.Contains("no pairs"));
        Assert.True(benchmarks.ContainsKey("benchmarks[1].name") && benchmarks.ContainsKey("benchmarks[1].maxQuestions"));

        var tooMany = await PostExpecting400(client, EngineJobKinds.SideEffects, valid with
        {
            Benchmarks = [.. Enumerable.Range(0, 9).Select(i => new SideEffectsBenchmarkParameters($"b{i}", TinyBenchmark))],
            Vectors = [],
        });
        Assert.Contains(tooMany["benchmarks"], e => e.Contains("at most 8"));
        Assert.Contains(tooMany["vectors"], e => e.Contains("1 to 8 vectors"));
        await using var db = server.CreateDbContext();
        Assert.Empty(db.Jobs);
    }

    [Fact]
    public async Task SideEffectsJob_RunsOnTheDemo_AndLambdaZeroChangesNothing()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();

        using var response = await PostAsync(client, EngineJobKinds.SideEffects, SideEffects());
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/jobs: {(int)response.StatusCode} {body}");
        var queued = JsonSerializer.Deserialize<JobView>(body, JobApi.Json)!;
        var done = await new JobApi(client).WaitForAsync(queued.Id, j => j.State.IsFinal(), "finished", JobWait);

        Assert.True(done.State == JobState.Succeeded, JobApi.Describe(done));
        var result = done.Result!.Value.Deserialize<SideEffectsJobResult>(JobApi.Json)!;
        Assert.Equal(("two sentences", 4, 8), (result.HeldOutName, result.HeldOutWindows, result.WindowTokens));
        var points = Assert.Single(result.Series).Points;
        Assert.Equal([0.0, 8.0], points.Select(p => p.Lambda));
        Assert.Equal(1.0, points[0].Perplexity!.Inflation);
        Assert.Equal(Assert.Single(result.BaselineBenchmarks), Assert.Single(points[0].Benchmarks));
    }
}
