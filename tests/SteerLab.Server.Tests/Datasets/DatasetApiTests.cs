using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Tests.Datasets;

/// <summary>/api/datasets on the real host over a real SQLite file, with CAA's own files as uploads.</summary>
public sealed class DatasetApiTests
{
    const string RefusalFile = "caa/generate/refusal/generate_dataset.json";

    /// <summary>A server with no built-in datasets, so lists hold only what a test uploads.</summary>
    static SteerLabServer NewServer(params (string Key, string? Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => s.Value);
        all["SteerLab:Datasets:SeedBuiltIn"] = "false";
        return new SteerLabServer(extraSettings: all);
    }

    [SkippableFact]
    public async Task CaaUpload_IsListedShownPagedRenamedAndDeleted()
    {
        string path = SharedData.Require(RefusalFile);
        var expected = ContrastiveDatasetReader.Read(path);
        using var file = JsonDocument.Parse(File.ReadAllBytes(path));
        var items = file.RootElement.EnumerateArray().ToList();
        await using var server = NewServer();
        var api = new DatasetApi(server.CreateClient());

        using var created = await api.UploadAsync(File.ReadAllBytes(path), "generate_dataset.json", "refusal", "CAA refusal, generation split");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var dataset = await DatasetApi.ReadAsync<DatasetSummary>(created, "POST /api/datasets");
        Assert.Equal($"/api/datasets/{dataset.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("refusal", "CAA refusal, generation split"), (dataset.Name, dataset.Description));
        Assert.Equal(DatasetPairKind.AnswerChoice, dataset.Kind);
        Assert.Equal(items.Count, dataset.PairCount);
        Assert.Equal(expected.ContentHash, dataset.ContentHash);

        var listed = Assert.Single(await api.ListAsync());
        Assert.Equal(dataset, listed);

        var detail = await api.Client.GetFromJsonAsyncOrFail<DatasetDetail>($"/api/datasets/{dataset.Id}");
        Assert.Equal(dataset, detail.Dataset);
        Assert.Equal(10, detail.FirstPairs.Count);
        Assert.Equal(new DatasetPair(1, items[0].GetProperty("question").GetString()!, items[0].GetProperty("answer_matching_behavior").GetString()!,
            items[0].GetProperty("answer_not_matching_behavior").GetString()!), detail.FirstPairs[0]);

        var page = await api.Client.GetFromJsonAsyncOrFail<DatasetPairPage>($"/api/datasets/{dataset.Id}/pairs?skip=10&take=5");
        Assert.Equal((items.Count, 10), (page.Total, page.Skip));
        Assert.Equal([11, 12, 13, 14, 15], page.Pairs.Select(p => p.Number));
        Assert.Equal(items.Skip(10).Take(5).Select(i => i.GetProperty("question").GetString()), page.Pairs.Select(p => p.Prompt));
        var last = await api.Client.GetFromJsonAsyncOrFail<DatasetPairPage>($"/api/datasets/{dataset.Id}/pairs?skip={items.Count - 2}&take=50");
        Assert.Equal([items.Count - 1, items.Count], last.Pairs.Select(p => p.Number));

        using var patched = await api.Client.PatchAsJsonAsync($"/api/datasets/{dataset.Id}", new DatasetEdit(Name: "  refusal (CAA)  "), JobApi.Json);
        var renamed = await DatasetApi.ReadAsync<DatasetSummary>(patched, "PATCH");
        Assert.Equal(dataset with { Name = "refusal (CAA)" }, renamed); // description left as it was, pairs untouched
        using var described = await api.Client.PatchAsJsonAsync($"/api/datasets/{dataset.Id}", new DatasetEdit(Description: "kept for the demo"), JobApi.Json);
        Assert.Equal(dataset with { Name = "refusal (CAA)", Description = "kept for the demo" }, await DatasetApi.ReadAsync<DatasetSummary>(described, "PATCH"));
        Assert.Equal("refusal (CAA)", (await api.Client.GetFromJsonAsyncOrFail<DatasetDetail>($"/api/datasets/{dataset.Id}")).Dataset.Name);

        using var deleted = await api.Client.DeleteAsync($"/api/datasets/{dataset.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await api.ListAsync());
        using var gone = await api.Client.GetAsync($"/api/datasets/{dataset.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        using var deletedAgain = await api.Client.DeleteAsync($"/api/datasets/{dataset.Id}");
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    [SkippableFact]
    public async Task MalformedCsv_Is422WithEveryBadRowsLineAndNumber_AndNothingIsSaved()
    {
        // Line 1 is the header; data row n is on line n + 1, except where a quoted field spans two lines.
        const string csv = """
            prompt,positive,negative
            Tell me about cats.,Cats are lovely.,Cats are awful.
            Tell me about dogs.,,Dogs are awful.
            Tell me about birds.,Birds sing.,Birds sing.
            "A prompt over
            two lines",Good.,Bad.
            Tell me about fish.,Fish swim.
            """;
        await using var server = NewServer();
        var api = new DatasetApi(server.CreateClient());

        using var response = await api.UploadAsync(csv, "pets.csv", "pets");

        var report = await DatasetApi.ReportOf(response);
        Assert.False(report.IsValid);
        Assert.Equal(DatasetFormat.Csv, report.Format);
        Assert.Equal(3, report.ProblemCount);
        Assert.Equal([(3, 2, "positive"), (4, 3, "negative"), (7, 5, null)], report.Problems.Select(p => ((int)p.Line!, (int)p.Row!, p.Field)));
        Assert.Contains("empty", report.Problems[0].Reason);
        Assert.Contains("same text", report.Problems[1].Reason);
        Assert.Contains("2 fields", report.Problems[2].Reason);
        Assert.Equal(0, report.PairCount);
        Assert.Empty(report.Preview);
        Assert.Empty(await api.ListAsync());
    }

    [SkippableFact]
    public async Task MalformedJson_Is422NamingEachBadItemAndField()
    {
        const string json = """
            [
              {"question": "Q1\n(A) yes\n(B) no", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
              {"question": "Q2\n(A) yes\n(B) no", "answer_matching_behavior": "A", "answer_not_matching_behavior": "(B)"},
              {"question": "Q3\n(A) yes\n(B) no", "answer_matching_behavior": "(B)"},
              {"question": "Q4\n(A) yes\n(B) no", "answer_matching_behavior": 1, "answer_not_matching_behavior": "(A)"}
            ]
            """;
        await using var server = NewServer();
        var api = new DatasetApi(server.CreateClient());

        using var response = await api.UploadAsync(json, "broken.json");

        var report = await DatasetApi.ReportOf(response);
        Assert.Equal(DatasetFormat.Json, report.Format);
        Assert.Equal(
            [(3, 2, "answer_matching_behavior"), (4, 3, "answer_not_matching_behavior"), (5, 4, "answer_matching_behavior")],
            report.Problems.Select(p => ((int)p.Line!, (int)p.Row!, p.Field)));
        Assert.Contains("missing", report.Problems[1].Reason);
        Assert.Contains("must be a string", report.Problems[2].Reason);
        await using var db = server.CreateDbContext();
        Assert.Equal(0, await db.Datasets.CountAsync());
    }

    [SkippableFact]
    public async Task Validate_ReportsPairsLayoutAndPreview_AndSavesNothing()
    {
        string path = SharedData.Require(RefusalFile);
        string benchmark = SharedData.Require("caa/test/mmlu/mmlu.json");
        await using var server = NewServer();
        var api = new DatasetApi(server.CreateClient());

        var report = await api.ValidateAsync(File.ReadAllBytes(path), "refusal.json");
        var broken = await api.ValidateAsync("prompt,positive,negative\nP,same,same\n", "broken.csv");
        var mmlu = await api.ValidateAsync(File.ReadAllBytes(benchmark), "mmlu.json");

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
        Assert.Equal((DatasetFormat.Json, DatasetLayout.CaaAb, DatasetPairKind.AnswerChoice), (report.Format!.Value, report.Layout!.Value, report.Kind!.Value));
        Assert.Equal(ContrastiveDatasetReader.Read(path).ContentHash, report.ContentHash);
        Assert.Equal(Enumerable.Range(1, 10), report.Preview.Select(p => p.Number));
        Assert.Null(report.Existing);
        Assert.Equal((1, 1, "negative"), (broken.ProblemCount, broken.Problems[0].Row, broken.Problems[0].Field));
        // CAA's A/B benchmarks (prompt, correct, incorrect) are read by the engine's test-set reader.
        Assert.True(mmlu.IsValid, string.Join("; ", mmlu.Problems));
        Assert.Equal((DatasetLayout.AbBenchmark, DatasetPairKind.AnswerChoice), (mmlu.Layout!.Value, mmlu.Kind!.Value));
        Assert.Equal(AbTestSetReader.Read(benchmark).Pairs.Count, mmlu.PairCount);

        Assert.Empty(await api.ListAsync());
        await using var db = server.CreateDbContext();
        Assert.Equal(0, await db.Datasets.CountAsync());
    }

    [SkippableFact]
    public async Task SamePairsUploadedAgain_InAnotherFormat_ReturnTheExistingDataset()
    {
        string path = SharedData.Require(RefusalFile);
        var pairs = ContrastiveDatasetReader.Read(path).Pairs;
        string jsonLines = string.Join("\n", pairs.Select(p => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["question"] = p.Prompt, ["answer_matching_behavior"] = p.Positive, ["answer_not_matching_behavior"] = p.Negative,
        })));
        await using var server = NewServer();
        var api = new DatasetApi(server.CreateClient());

        using var first = await api.UploadAsync(File.ReadAllBytes(path), "refusal.json", "refusal");
        var original = await DatasetApi.ReadAsync<DatasetSummary>(first, "first upload");
        using var second = await api.UploadAsync(jsonLines, "refusal-copy.jsonl", "another name");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode); // not 201: nothing new was created
        Assert.Equal(original, await DatasetApi.ReadAsync<DatasetSummary>(second, "second upload"));
        Assert.Single(await api.ListAsync());
        Assert.Equal(original, (await api.ValidateAsync(jsonLines, "again.jsonl")).Existing);
    }

    [SkippableFact]
    public async Task UploadOverTheConfiguredSizeLimit_Is422AndNotSaved()
    {
        await using var server = NewServer(("SteerLab:Datasets:MaxUploadBytes", "1000"));
        var api = new DatasetApi(server.CreateClient());
        var rows = Enumerable.Range(0, 40).Select(i => $"prompt {i},positive {i},negative {i}");
        string csv = "prompt,positive,negative\n" + string.Join("\n", rows);
        Assert.True(Encoding.UTF8.GetByteCount(csv) > 1000);

        using var response = await api.UploadAsync(csv, "big.csv");

        var problem = Assert.Single((await DatasetApi.ReportOf(response)).Problems);
        Assert.Contains("limit of 1000 bytes", problem.Reason);
        Assert.Empty(await api.ListAsync());
    }

    [SkippableFact]
    public async Task BadRequests_AreAnsweredWithProblemDetails()
    {
        await using var server = NewServer();
        var api = new DatasetApi(server.CreateClient());
        using var created = await api.UploadAsync("prompt,positive,negative\nP,good,bad\n", "tiny.csv");
        var dataset = await DatasetApi.ReadAsync<DatasetSummary>(created, "upload");
        Assert.Equal(("tiny", DatasetPairKind.Completion), (dataset.Name, dataset.Kind)); // no name given: the file's

        using var noFile = await api.Client.PostAsync("/api/datasets", new MultipartFormDataContent { { new StringContent("x"), "name" } });
        using var takeZero = await api.Client.GetAsync($"/api/datasets/{dataset.Id}/pairs?take=0");
        using var longName = await api.Client.PatchAsJsonAsync($"/api/datasets/{dataset.Id}", new DatasetEdit(Name: new string('n', DatasetTexts.MaxNameLength + 1)), JobApi.Json);
        using var blankName = await api.Client.PatchAsJsonAsync($"/api/datasets/{dataset.Id}", new DatasetEdit(Name: " "), JobApi.Json);
        using var unknownPairs = await api.Client.GetAsync($"/api/datasets/{Guid.NewGuid()}/pairs");
        using var unknownPatch = await api.Client.PatchAsJsonAsync($"/api/datasets/{Guid.NewGuid()}", new DatasetEdit(Name: "x"), JobApi.Json);
        using var unknownExtension = await api.UploadAsync("prompt,positive,negative\nP,good,bad\n", "tiny.txt");

        foreach (var response in new[] { noFile, takeZero, longName, blankName })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.NotFound, unknownPairs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownPatch.StatusCode);
        Assert.Contains("unknown extension '.txt'", Assert.Single((await DatasetApi.ReportOf(unknownExtension)).Problems).Reason);
        Assert.Equal(dataset, Assert.Single(await api.ListAsync()));
    }
}
