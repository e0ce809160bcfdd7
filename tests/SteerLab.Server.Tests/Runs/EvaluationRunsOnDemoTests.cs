using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Datasets;
using SteerLab.Server.Tests.Support;
using SteerLab.Server.Tests.Vectors;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Tests.Runs;

/// <summary>The two other run kinds through <c>POST /api/runs</c> on the demo model, as small as they can be: that the
/// engine's results come back to the run (open-ended answers stored as rows and charted, side-effect points shown).</summary>
public sealed class EvaluationRunsOnDemoTests
{
    static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task OpenEndedRun_WithTheClassifierJudge_StoresAnswersAndJudgements_AndChartsThem()
    {
        await using var server = RunTestHosts.NewDemoServer(RunTestHosts.RequireDemo());
        var client = server.CreateClient();
        var sparse = (await new VectorApi(client).ListAsync($"?model={DemoAssets.ModelName}")).First(v => v.IsSparse);
        var request = new RunRequest(RunKinds.OpenEnded, null, [sparse.Id], [], [0, 16],
            OpenEnded: new OpenEndedRunSettings("""[{"question": "It was"}, {"question": "She said"}]""", "starts", "reads like romance fiction",
                new JudgeChoice(JudgeKinds.Classifier, Contrast: DemoContrast.RomanceVsPress.Id), PromptFormat: "raw", MaxQuestions: 2, MaxNewTokens: 6));

        var started = await new RunApi(client).StartAsync(request);
        var done = await new RunApi(client).WaitForJobAsync(started.Id, Wait);

        Assert.True(done.Summary.State == JobState.Succeeded, $"{done.Summary.State}: {done.Summary.Error}");
        var result = done.OpenEnded!;
        // Two questions × (unsteered + 2 λ) answers, each judged on both items, none pending.
        var counts = result.Counts;
        Assert.Equal(12, counts.Scored + counts.Unparseable + counts.OutOfRange + counts.Failed + counts.NotAvailable);
        Assert.Equal(0, counts.Pending);
        Assert.Equal(2, result.QuestionCount);
        var series = Assert.Single(result.Series);
        Assert.Equal([0.0, 16], series.Points.Select(p => p.Lambda));
        Assert.Equal(2, series.Unsteered.Behaviour.Scored + series.Unsteered.Behaviour.NotAvailable + series.Unsteered.Behaviour.Failed);
        var answers = await client.GetFromJsonAsyncOrFail<List<RunAnswerView>>($"/api/runs/{started.Id}/answers");
        Assert.Equal(6, answers.Count);
        Assert.All(answers, a => Assert.NotNull(a.Behaviour));
        Assert.Equal(new SamplingProvenance(0.7, 0.95, 1, 6, "raw", null), done.Provenance.Sampling);
        Assert.Equal("classifier:romance-vs-press", done.Provenance.Judge!.Name);
        Assert.Equal(2, Assert.Single(done.Provenance.Datasets).Items);
    }

    [SkippableFact]
    public async Task SideEffectsRun_OnABenchmark_ShowsAPointPerCoefficient()
    {
        await using var server = RunTestHosts.NewDemoServer(RunTestHosts.RequireDemo());
        var client = server.CreateClient();
        var dense = (await new VectorApi(client).ListAsync($"?model={DemoAssets.ModelName}")).First(v => !v.IsSparse);
        using var upload = await new DatasetApi(client).UploadAsync(RunTestHosts.AbTestSet, "romance-ab.json", "romance A/B");
        var benchmark = await DatasetApi.ReadAsync<DatasetSummary>(upload, "upload");
        var request = new RunRequest(RunKinds.SideEffects, null, [dense.Id], [0, 4], [],
            SideEffects: new SideEffectsRunSettings(null, [benchmark.Id], MaxBenchmarkQuestions: 3));

        var started = await new RunApi(client).StartAsync(request);
        var done = await new RunApi(client).WaitForJobAsync(started.Id, Wait);

        Assert.True(done.Summary.State == JobState.Succeeded, $"{done.Summary.State}: {done.Summary.Error}");
        var result = done.SideEffects!;
        var series = Assert.Single(result.Series);
        Assert.Equal([0.0, 4], series.Points.Select(p => p.Lambda));
        Assert.All(series.Points, p => Assert.Equal(3, Assert.Single(p.Benchmarks).Questions));
        var csv = Csv.Parse(await client.GetStringAsync($"/api/runs/{started.Id}/export?format=csv"));
        Assert.Equal(["vector", "lambda", "perplexity", "inflation", "low", "high", "romance A/B accuracy", "romance A/B low", "romance A/B high"], csv[0]);
        Assert.Equal(1 + 1 + 2, csv.Count); // header, the unsteered baseline, one row per λ
        Assert.Equal("unsteered", csv[1][1]);
    }
}
