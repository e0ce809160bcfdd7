using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Vectors;

/// <summary>The vector library over the real host and a real SQLite file: import, list, detail, export, delete.</summary>
public sealed class VectorLibraryTests
{
    [SkippableFact]
    public async Task ImportedVector_IsListedDetailedAndExportedAsTheEngineWritesIt_AndRoundTrips()
    {
        await using var server = VectorApi.NewServer();
        var api = new VectorApi(server.CreateClient());
        var vector = VectorDocuments.Sparse("romance SAS");
        string original = VectorDocuments.Json(vector);

        using (var created = await api.PostImportAsync(original))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal($"/api/vectors/{Guid.Parse(vector.Id)}", created.Headers.Location?.OriginalString);
        }
        var id = Guid.Parse(vector.Id);

        var listed = Assert.Single(await api.ListAsync());
        Assert.Equal(new VectorSummary(id, "romance SAS", "sas", "blocks.2.hook_resid_post", "stories260K", IsSparse: true,
            vector.L2Norm, 3, "romance-vs-press", new string('a', 64), VectorDocuments.CreatedAt.UtcDateTime), listed);

        var detail = await api.GetAsync(id);
        Assert.Equal(listed, detail.Summary);
        Assert.Equal(vector.Id, detail.DocumentId);
        Assert.Equal(["common_feature_removal", "tau"], detail.Parameters.Select(p => p.Name));
        Assert.Equal("0.7", detail.Parameters[1].Value.GetRawText());
        Assert.Equal((64, 2, 256), (detail.DModel, detail.Layer, detail.Length));
        Assert.Equal(new VectorNorms(vector.L1Norm, vector.L2Norm, 3, PositiveCount: 2, NegativeCount: 1), detail.Norms);
        Assert.Equal(new VectorSaeReference("test-saes", "blocks.2.hook_resid_post", 256, new string('b', 64)), detail.Provenance.Sae);
        Assert.Equal(new VectorDatasetReference("romance-vs-press", new string('a', 64), 40), detail.Provenance.Dataset);
        Assert.Equal(("stories260K", "vector tests", VectorDocuments.CreatedAt), (detail.Provenance.ModelId, detail.Provenance.CreatedBy, detail.Provenance.CreatedAt));
        Assert.Equal(("SteerLab", VectorDocument.SoftwareVersion), (detail.Provenance.SoftwareName, detail.Provenance.SoftwareVersion));
        Assert.Equal([new VectorEntry(200, 2f), new VectorEntry(17, -1.25f), new VectorEntry(3, 0.5f)], detail.TopEntries);

        var (exported, fileName) = await api.ExportAsync(id);
        Assert.Equal(VectorDocuments.AsTheEngineWritesIt(original), exported);
        Assert.Equal("romance-SAS.json", fileName);

        // The same document again is found, not copied.
        using (var again = await api.PostImportAsync(exported))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(id, JsonSerializer.Deserialize<VectorSummary>(await again.Content.ReadAsStringAsync(), JobApi.Json)!.Id);
        }
        Assert.Single(await api.ListAsync());

        // Deleted, then imported from its export: the same vector, the same document, byte for byte.
        Assert.Equal(HttpStatusCode.NoContent, (await api.Client.DeleteAsync($"/api/vectors/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync($"/api/vectors/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync($"/api/vectors/{id}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.DeleteAsync($"/api/vectors/{id}")).StatusCode);
        Assert.Empty(await api.ListAsync());
        Assert.Equal(id, (await api.ImportAsync(exported)).Id);
        Assert.Equal(exported, (await api.ExportAsync(id)).Json);
    }

    [SkippableFact]
    public async Task List_FiltersByMethodsModelHookAndNameText()
    {
        await using var server = VectorApi.NewServer();
        var api = new VectorApi(server.CreateClient());
        var romanceCaa = await api.ImportAsync(VectorDocuments.Json(VectorDocuments.Dense("Romance CAA")));
        var romanceSas = await api.ImportAsync(VectorDocuments.Json(VectorDocuments.Sparse("romance SAS")));
        var pressCaa = await api.ImportAsync(VectorDocuments.Json(VectorDocuments.Dense("press CAA", hook: "blocks.10.hook_resid_pre", model: "elsewhere/other-model", dModel: 8)));
        var learnedEnr = await api.ImportAsync(VectorDocuments.Json(VectorDocuments.Dense("learned ENR", SteeringMethod.TopKEnr, hook: "blocks.3.hook_mlp_out")));

        async Task<Guid[]> Ids(string query) => (await api.ListAsync(query)).Select(v => v.Id).Order().ToArray();
        Guid[] Expected(params VectorSummary[] vectors) => vectors.Select(v => v.Id).Order().ToArray();

        Assert.Equal(Expected(romanceCaa, romanceSas, pressCaa, learnedEnr), await Ids(""));
        Assert.Equal(Expected(romanceSas), await Ids("?method=sas"));
        Assert.Equal(Expected(romanceCaa, pressCaa, learnedEnr), await Ids("?method=caa&method=topk_enr"));
        Assert.Equal(Expected(pressCaa), await Ids("?model=elsewhere/other-model"));
        Assert.Equal(Expected(romanceCaa, romanceSas), await Ids("?hook=blocks.2.hook_resid_post"));
        Assert.Equal(Expected(romanceCaa, romanceSas), await Ids("?q=ROMANCE"));
        Assert.Equal(Expected(romanceCaa), await Ids("?method=caa&q=romance&model=stories260K"));
        Assert.Empty(await Ids("?method=sae_ts"));
        Assert.Single(await api.ListAsync("?take=1"));

        using var unknown = await api.Client.GetAsync("/api/vectors?method=magic");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("unknown method 'magic'", await unknown.Content.ReadAsStringAsync());

        var facets = await server.AdminServices.GetRequiredService<IVectorService>().GetFacetsAsync();
        Assert.Equal(["elsewhere/other-model", "stories260K"], facets.Models);
        Assert.Equal(["blocks.2.hook_resid_post", "blocks.3.hook_mlp_out", "blocks.10.hook_resid_pre"], facets.Hooks);
    }

    [SkippableFact]
    public async Task Detail_OfADenseVector_ListsItsLargestCoordinatesByMagnitude()
    {
        await using var server = VectorApi.NewServer();
        var api = new VectorApi(server.CreateClient());
        var vector = VectorDocuments.Dense("romance CAA");
        var imported = await api.ImportAsync(VectorDocuments.Json(vector));

        var detail = await api.GetAsync(imported.Id, "?top=5");

        var expected = vector.Dense!.Select((w, i) => new VectorEntry(i, w))
            .OrderByDescending(e => Math.Abs(e.Weight)).ThenBy(e => e.Index).Take(5).ToList();
        Assert.Equal(expected, detail.TopEntries);
        Assert.False(detail.Summary.IsSparse);
        Assert.Null(detail.Provenance.Sae);
        Assert.Equal("rev-1", detail.Provenance.ModelRevision);
        Assert.Equal(64, detail.Length);
        Assert.Equal(vector.Dense!.Count(w => w > 0), detail.Norms.PositiveCount);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Client.GetAsync($"/api/vectors/{imported.Id}?top=5000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync($"/api/vectors/{Guid.NewGuid()}")).StatusCode);
    }

    [SkippableFact]
    public async Task Import_OfADocumentWhoseIdIsNoGuid_StoresItUnderAStableDerivedId()
    {
        await using var server = VectorApi.NewServer();
        var api = new VectorApi(server.CreateClient());
        string json = VectorDocuments.Json(VectorDocuments.Dense("hand-written") with { Id = "my-vector" });

        var first = await api.ImportAsync(json);
        var (exported, _) = await api.ExportAsync(first.Id);

        Assert.Equal(first.Id.ToString("N"), JsonDocument.Parse(exported).RootElement.GetProperty("id").GetString());
        using var again = await api.PostImportAsync(json);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(await api.ListAsync());
    }

    [SkippableFact]
    public async Task Import_OfADifferentVectorWithAnExistingId_IsAConflict()
    {
        await using var server = VectorApi.NewServer();
        var api = new VectorApi(server.CreateClient());
        var vector = VectorDocuments.Dense("first");
        await api.ImportAsync(VectorDocuments.Json(vector));

        var (problems, _) = await api.ImportRefusedAsync(VectorDocuments.Json(vector with { Name = "second" }), HttpStatusCode.Conflict);

        var problem = Assert.Single(problems);
        Assert.Equal("$.id", problem.Path);
        Assert.Contains("\"first\"", problem.Message);
        Assert.Equal("first", Assert.Single(await api.ListAsync()).Name);
    }

    [SkippableFact]
    public async Task Import_RefusesBodiesOverTheLimitAndBodiesThatAreNotJson()
    {
        await using var server = VectorApi.NewServer(extra: new Dictionary<string, string?> { ["SteerLab:Vectors:MaxImportBytes"] = "2048" });
        var api = new VectorApi(server.CreateClient());
        string large = VectorDocuments.Json(VectorDocuments.Dense("large", model: "elsewhere/wide", dModel: 512));

        Assert.True(large.Length > 2048);
        using (var tooLarge = await api.PostImportAsync(large))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Contains("the import limit is 2,048 bytes", await tooLarge.Content.ReadAsStringAsync());
        }
        using (var form = await api.PostImportAsync("name=x", "application/x-www-form-urlencoded"))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Empty(await api.ListAsync());
    }

    [SkippableFact]
    public async Task Service_ImportReportsTheFileItRefusedAndStoresNothing()
    {
        await using var server = VectorApi.NewServer();
        server.CreateClient().Dispose();
        var library = server.AdminServices.GetRequiredService<IVectorService>();

        var result = await library.ImportAsync("[1, 2]"u8.ToArray(), "list.json");

        Assert.Equal(VectorImportOutcome.Invalid, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Null(result.Vector);
        Assert.Equal(new VectorImportProblem("$", "the document must be a JSON object"), Assert.Single(result.Problems));
        Assert.Empty(await library.ListAsync(new VectorQuery()));
    }
}
