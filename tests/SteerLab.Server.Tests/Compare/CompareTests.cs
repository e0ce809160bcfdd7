using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Server.Tests.Datasets;
using SteerLab.Server.Tests.Support;
using SteerLab.Server.Tests.Vectors;
using SteerLab.Shared.Compare;
using OverlapMeasure = SteerLab.Shared.Compare.OverlapMeasure;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Compare;

/// <summary>The Compare page's server on the real host over the built-in demo (model steerlab-brown-demo, its CAA and SAS
/// vectors seeded into the library): overlap heat maps through POST /api/compare/overlap, and A/B λ-sweeps as "sweep"
/// jobs through POST /api/compare/sweep.</summary>
public sealed class CompareTests
{
    static readonly TimeSpan SweepWait = TimeSpan.FromMinutes(3);

    /// <summary>A tiny A/B test set in CAA format (the demo has only plain pairs): genre questions whose matching answer
    /// is the romance-like sentence, with the letters alternating.</summary>
    const string AbTestSet = """
        [
          {"question": "Which sentence is from a romance story?\n(A) She kissed him softly in the moonlight.\n(B) The council voted on the budget today.", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
          {"question": "Which sentence is from a romance story?\n(A) The senator said the bill would pass.\n(B) He held her hand and smiled.", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"},
          {"question": "Which sentence is from a romance story?\n(A) Her heart raced when he came home.\n(B) Prices rose by three per cent.", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
          {"question": "Which sentence is from a romance story?\n(A) The team won the game on Sunday.\n(B) They danced until dawn.", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"},
          {"question": "Which sentence is from a romance story?\n(A) He whispered that he loved her.\n(B) The mayor opened the new bridge.", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
          {"question": "Which sentence is from a romance story?\n(A) Police reported two arrests.\n(B) She dreamed of him all night.", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"}
        ]
        """;

    static string RequireDemo()
    {
        string? demo = DemoAssets.FindFolder();
        Skip.If(demo is null || !Directory.Exists(Path.Combine(demo, DemoAssets.VectorFolderName)), "the built-in demo is not beside the test assembly");
        return demo!;
    }

    /// <summary>The demo folder as the model root, demo vectors seeded (the default).</summary>
    static SteerLabServer NewDemoServer(string demo) =>
        new(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = demo });

    static async Task<IReadOnlyList<VectorSummary>> DemoVectorsAsync(HttpClient client)
    {
        var vectors = (await new VectorApi(client).ListAsync($"?model={DemoAssets.ModelName}")).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        Skip.If(vectors.Count(v => v.IsSparse) < 2 || vectors.Count(v => !v.IsSparse) < 2, "the demo has fewer than two dense and two sparse vectors");
        return vectors;
    }

    [SkippableFact]
    public async Task Overlap_OfSeededDemoVectors_IsJaccardForSasCosineForCaa_AndNotComparableAcross()
    {
        string demo = RequireDemo();
        await using var server = NewDemoServer(demo);
        var client = server.CreateClient();
        var library = await DemoVectorsAsync(client);
        var sparse = library.Where(v => v.IsSparse).Take(2).ToList();
        var dense = library.Where(v => !v.IsSparse).Take(2).ToList();
        Guid[] ids = [sparse[0].Id, sparse[1].Id, dense[0].Id, dense[1].Id];

        using var response = await client.PostAsJsonAsync("/api/compare/overlap", new { vectorIds = ids, support = "All" }, JobApi.Json);
        var view = await DatasetApi.ReadAsync<OverlapView>(response, "POST /api/compare/overlap");

        Assert.Equal(ids, view.Vectors.Select(v => v.Id));
        Assert.Equal([sparse[0].Name, sparse[1].Name, dense[0].Name, dense[1].Name], view.Vectors.Select(v => v.Name));
        // The engine's numbers, from the shipped documents themselves.
        var documents = await Task.WhenAll(ids.Select(async id => VectorDocumentReader.Parse(System.Text.Encoding.UTF8.GetBytes((await new VectorApi(client).ExportAsync(id)).Json), "export")));
        var s0 = documents[0].Sparse!;
        var s1 = documents[1].Sparse!;
        var jaccard = view.Cells[0][1];
        Assert.Equal(OverlapMeasure.Jaccard, jaccard.Measure);
        Assert.Equal(Overlap.Jaccard(s0, s1), jaccard.Value, 12);
        Assert.Equal(s0.Indices.Intersect(s1.Indices).Count(), jaccard.Shared);
        Assert.Equal(s0.Indices.Union(s1.Indices).Count(), jaccard.Union);
        Assert.Equal(new OverlapCell(1, OverlapMeasure.Jaccard, s0.Indices.Count(), s0.Indices.Count()), view.Cells[0][0]);
        var cosine = view.Cells[2][3];
        Assert.Equal(OverlapMeasure.Cosine, cosine.Measure);
        Assert.Equal(Overlap.Cosine(documents[2].Dense!, documents[3].Dense!), cosine.Value, 12);
        Assert.Equal(1, view.Cells[2][2].Value, 9);
        var across = view.Cells[0][2];
        Assert.Equal(OverlapMeasure.NotComparable, across.Measure);
        Assert.Equal("a dense and a sparse vector", across.Reason);
        Assert.Equal(view.Cells[2][0], across);
    }

    [SkippableFact]
    public async Task Overlap_OfAnUnknownVector_Is400NamingIt()
    {
        await using var server = VectorApi.NewServer();
        var missing = Guid.NewGuid();

        using var response = await server.CreateClient().PostAsJsonAsync("/api/compare/overlap", new { vectorIds = new[] { missing } }, JobApi.Json);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.Contains(missing.ToString(), body);
    }

    [SkippableFact]
    public async Task SweepJob_OnTheDemoModel_GivesProbabilitiesPerVector_AndTheSameUnsteeredPointForAll()
    {
        string demo = RequireDemo();
        await using var server = NewDemoServer(demo);
        var client = server.CreateClient();
        var library = await DemoVectorsAsync(client);
        var chosen = new[] { library.First(v => !v.IsSparse), library.First(v => v.IsSparse) };
        using var upload = await new DatasetApi(client).UploadAsync(AbTestSet, "romance-ab.json", "romance A/B");
        var testSet = await DatasetApi.ReadAsync<DatasetSummary>(upload, "upload");
        Assert.Equal(DatasetPairKind.AnswerChoice, testSet.Kind);

        var request = new SweepRequest(chosen.Select(v => v.Id).ToList(), testSet.Id, [-4, 0, 4], [-16, 0, 16], MaxQuestions: 4);
        using var response = await client.PostAsJsonAsync("/api/compare/sweep", request, JobApi.Json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/compare/sweep: {(int)response.StatusCode} {body}");
        var queued = JsonSerializer.Deserialize<JobView>(body, JobApi.Json)!;
        Assert.Equal(EngineJobKinds.Sweep, queued.Kind);
        Assert.Equal(DemoAssets.ModelName, queued.Model);

        var done = await new JobApi(client).WaitForAsync(queued.Id, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled, "finished", SweepWait);
        Assert.True(done.State == JobState.Succeeded, JobApi.Describe(done));
        Assert.Equal(1.0, done.Progress);
        var result = done.Result!.Value.Deserialize<SweepJobResult>(JobApi.Json)!;

        Assert.Equal(4, result.QuestionCount);
        Assert.Equal(6, result.TestSetPairCount);
        Assert.Equal(chosen.Select(v => (Guid?)v.Id), result.Series.Select(s => s.VectorId));
        Assert.Equal([false, true], result.Series.Select(s => s.IsSparse));
        Assert.Equal([-4.0, 0, 4], result.Series[0].Points.Select(p => p.Lambda));
        Assert.Equal([-16.0, 0, 16], result.Series[1].Points.Select(p => p.Lambda));
        foreach (var point in result.Series.SelectMany(s => s.Points))
        {
            Assert.InRange(point.MeanProbability, 0, 1);
            Assert.InRange(point.IntervalLow, 0, point.MeanProbability);
            Assert.InRange(point.IntervalHigh, point.MeanProbability, 1);
            Assert.Equal(4, point.Count);
        }
        // λ = 0 is the unsteered model, whichever vector it belongs to.
        var unsteered = result.Series.Select(s => s.Points.Single(p => p.Lambda == 0).MeanProbability).ToList();
        Assert.Equal(unsteered[0], unsteered[1], 9);
        // Steering moves the answer: some point differs from the unsteered one.
        Assert.Contains(result.Series.SelectMany(s => s.Points), p => Math.Abs(p.MeanProbability - unsteered[0]) > 1e-6);

        var compare = (ICompareService)server.AdminServices.GetService(typeof(ICompareService))!;
        var viaService = compare.SweepResult((await compare.GetSweepAsync(queued.Id))!)!;
        Assert.Equal(result.Series.Select(s => s.Points.Length), viaService.Series.Select(s => s.Points.Length));
        // Numbers for the report.
        Console.WriteLine(JsonSerializer.Serialize(result.Series.Select(s => new { s.Name, points = s.Points.Select(p => $"{p.Lambda}: {p.MeanProbability:0.0000} [{p.IntervalLow:0.000}, {p.IntervalHigh:0.000}]") })));
    }

    [SkippableFact]
    public async Task Sweep_OnAPlainPairsDataset_Is400_AndQueuesNothing()
    {
        string demo = RequireDemo();
        await using var server = NewDemoServer(demo);
        var client = server.CreateClient();
        var library = await DemoVectorsAsync(client);
        var plain = (await new DatasetApi(client).ListAsync()).First(d => d.Kind == DatasetPairKind.Completion);

        var request = new SweepRequest([library[0].Id], plain.Id, [0, 1], [0, 1]);
        using var response = await client.PostAsJsonAsync("/api/compare/sweep", request, JobApi.Json);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.Contains("A/B questions", problem.RootElement.GetProperty("errors").GetProperty("testSetId")[0].GetString());
        Assert.Empty(await client.GetFromJsonAsyncOrFail<JobView[]>("/api/jobs"));
    }
}
