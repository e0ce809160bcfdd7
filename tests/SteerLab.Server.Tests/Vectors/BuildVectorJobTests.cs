using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Datasets;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Vectors;

/// <summary>Vectors built from the workbench: POST /api/vectors/build queues a "build-vector" job on the in-process
/// engine over the built-in demo (model steerlab-brown-demo, SAE "sae" at blocks.1.hook_resid_post), and a finished job
/// leaves its vector in the library.</summary>
public sealed class BuildVectorJobTests
{
    const string DemoHook = "blocks.1.hook_resid_post";
    static readonly TimeSpan BuildWait = TimeSpan.FromMinutes(3);

    static SteerLabServer NewDemoServer()
    {
        string demo = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the test assembly");
        return VectorApi.NewServer(extra: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = demo });
    }

    static async Task<DatasetSummary> SeededDatasetAsync(HttpClient client) =>
        (await new DatasetApi(client).ListAsync()).OrderBy(d => d.Name, StringComparer.Ordinal).First();

    /// <summary>τ 0.3 and common features kept: the settings the demo's own SAS vectors were built with (the demo SAE
    /// is a small top-k SAE; few of its features fire in 70 % of a side's sentences).</summary>
    static object Request(Guid datasetId, string method, string? sae = null, string hook = DemoHook, double tau = 0.3, int k = 64, string model = DemoAssets.ModelName,
        string readPosition = BuildVectorJobParameters.CompletionMean) =>
        new { datasetId, model, method, hook, readPosition, tau, removeCommonFeatures = false, k, sae };

    [Theory]
    [InlineData(VectorMethods.Caa, null)]
    [InlineData(VectorMethods.Sas, DemoAssets.SaeFolderName)]
    public async Task BuildJob_Succeeds_AndItsVectorIsInTheLibrary(string method, string? sae)
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();
        var jobs = new JobApi(client);
        var dataset = await SeededDatasetAsync(client);

        using var response = await client.PostAsJsonAsync("/api/vectors/build", Request(dataset.Id, method, sae), JobApi.Json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/vectors/build: {(int)response.StatusCode} {body}");
        var queued = JsonSerializer.Deserialize<JobView>(body, JobApi.Json)!;
        Assert.Equal(EngineJobKinds.BuildVector, queued.Kind);
        Assert.Equal($"/api/jobs/{queued.Id}", response.Headers.Location?.OriginalString);

        var done = await jobs.WaitForAsync(queued.Id, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled, "finished", BuildWait);
        Assert.True(done.State == JobState.Succeeded, JobApi.Describe(done));
        Assert.Equal(1.0, done.Progress);
        var result = done.Result!.Value.Deserialize<BuildVectorJobResult>(JobApi.Json)!;
        Assert.NotNull(result.VectorId);

        var stored = Assert.Single(await new VectorApi(client).ListAsync());
        Assert.Equal(result.VectorId, stored.Id);
        Assert.Equal(method, stored.Method);
        Assert.Equal(DemoHook, stored.Hook);
        Assert.Equal(DemoAssets.ModelName, stored.Model);
        Assert.Equal(dataset.ContentHash, stored.DatasetHash);
        Assert.Equal(dataset.Name, stored.DatasetName);
        Assert.Equal(method == VectorMethods.Sas, stored.IsSparse);
        Assert.True(stored.SupportSize > 0, "the built vector is all zeros");
        // The library's copy is the document the job's result carries.
        var detail = await new VectorApi(client).GetAsync(stored.Id);
        Assert.Equal(stored.Id, detail.Summary.Id);
    }

    [Fact]
    public async Task InvalidBuildRequest_Is400WithAnErrorPerField_AndQueuesNothing()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();
        var dataset = await SeededDatasetAsync(client);

        using var response = await client.PostAsJsonAsync("/api/vectors/build",
            Request(dataset.Id, VectorMethods.Sas, sae: null, hook: "blocks.x.nothing", tau: 1.5, model: "../etc", readPosition: "middle"), JobApi.Json);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        using var problem = JsonDocument.Parse(body);
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Equal(["hook", "model", "readPosition", "sae", "tau"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("needs an SAE", errors.GetProperty("sae")[0].GetString());
        Assert.Empty(await client.GetFromJsonAsyncOrFail<JobView[]>("/api/jobs"));
    }

    [Fact]
    public async Task BuildFromAMissingDataset_Is400NamingTheDataset()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();
        var missing = Guid.NewGuid();

        using var response = await client.PostAsJsonAsync("/api/vectors/build", Request(missing, VectorMethods.Caa), JobApi.Json);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(body);
        Assert.Contains(missing.ToString(), problem.RootElement.GetProperty("errors").GetProperty("datasetId")[0].GetString());
    }
}
