using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Server.Runs;
using SteerLab.Server.Tests.Datasets;
using SteerLab.Server.Tests.Support;
using SteerLab.Server.Tests.Vectors;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Runs;

/// <summary>One A/B sweep run on the demo model, started through <c>POST /api/runs</c> and run by the in-process engine to
/// the end, shared by the tests below (a dense and a sparse vector, two coefficients each, two questions). The dense
/// vector's library name is a spreadsheet formula, to check the CSV export defuses it.</summary>
public sealed class AbSweepRunFixture : IAsyncLifetime
{
    public const string FormulaName = "=SUM(1,2) \"romance\" CAA";
    static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);

    public SteerLabServer? Server { get; private set; }
    public HttpClient Client => Server!.CreateClient();
    public VectorSummary Dense { get; private set; } = null!;
    public VectorSummary Sparse { get; private set; } = null!;
    public DatasetSummary TestSet { get; private set; } = null!;
    public RunRequest Request { get; private set; } = null!;
    public RunSummary Started { get; private set; } = null!;
    public RunView Finished { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string? demo = DemoAssets.FindFolder();
        if (demo is null || !Directory.Exists(Path.Combine(demo, DemoAssets.VectorFolderName))) return; // the tests skip
        Server = RunTestHosts.NewDemoServer(demo);
        var client = Client;
        var vectors = (await new VectorApi(client).ListAsync($"?model={DemoAssets.ModelName}")).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        Dense = vectors.First(v => !v.IsSparse);
        Sparse = vectors.First(v => v.IsSparse);
        await using (var db = Server.CreateDbContext())
        {
            db.Vectors.Single(v => v.Id == Dense.Id).Name = FormulaName;
            await db.SaveChangesAsync();
        }
        using var upload = await new DatasetApi(client).UploadAsync(RunTestHosts.AbTestSet, "romance-ab.json", "romance A/B");
        TestSet = await DatasetApi.ReadAsync<DatasetSummary>(upload, "upload");

        Request = new RunRequest(RunKinds.AbSweep, "Romance A/B: dense vs sparse", [Dense.Id, Sparse.Id, Dense.Id], [0, 4], [0, 16],
            AbSweep: new AbSweepRunSettings(TestSet.Id, MaxQuestions: 2));
        Started = await new RunApi(client).StartAsync(Request);
        Finished = await new RunApi(client).WaitForJobAsync(Started.Id, Wait);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }
}

public sealed class AbSweepRunTests(AbSweepRunFixture fixture) : IClassFixture<AbSweepRunFixture>
{
    void RequireRun() => Skip.If(fixture.Server is null, "the built-in demo is not beside the test assembly");

    [SkippableFact]
    public async Task AbSweepRun_OnTheDemoModel_SucceedsWithAPointPerCoefficient_AndIsListed()
    {
        RequireRun();
        var view = fixture.Finished;
        Assert.True(view.Summary.State == JobState.Succeeded, $"{view.Summary.State}: {view.Summary.Message} {view.Summary.Error}");
        Assert.Equal(RunKinds.AbSweep, fixture.Started.Kind);
        Assert.Equal(DemoAssets.ModelName, view.Summary.Model);
        Assert.Equal([AbSweepRunFixture.FormulaName, fixture.Sparse.Name], view.Summary.VectorNames);
        // The repeated id is dropped from the stored request, so a series is a position in it.
        Assert.Equal([fixture.Dense.Id, fixture.Sparse.Id], view.Request.VectorIds);
        Assert.Null(view.OpenEnded);
        Assert.Null(view.SideEffects);
        var result = Assert.IsType<SteerLab.Shared.Engine.SweepJobResult>(view.AbSweep);
        Assert.Equal([(Guid?)fixture.Dense.Id, fixture.Sparse.Id], result.Series.Select(s => s.VectorId));
        Assert.Equal([0.0, 4], result.Series[0].Points.Select(p => p.Lambda));
        Assert.Equal([0.0, 16], result.Series[1].Points.Select(p => p.Lambda));
        Assert.All(result.Series.SelectMany(s => s.Points), p => Assert.Equal(2, p.Count));
        Assert.Equal(result.Series[0].Points[0].MeanProbability, result.Series[1].Points[0].MeanProbability, 9); // λ = 0 is unsteered

        var listed = await fixture.Client.GetFromJsonAsyncOrFail<List<RunSummary>>("/api/runs");
        Assert.Contains(listed, r => r.Id == fixture.Started.Id && r.State == JobState.Succeeded && r.CreatedBy == SteerLabServer.AdminEmail);
    }

    [SkippableFact]
    public async Task Provenance_RecordsModelRevisionVersionAndTheHashesOfTheStoredDocuments()
    {
        RequireRun();
        var provenance = fixture.Finished.Provenance;
        await using var db = fixture.Server!.CreateDbContext();
        var dense = db.Vectors.Single(v => v.Id == fixture.Dense.Id);
        var sparse = db.Vectors.Single(v => v.Id == fixture.Sparse.Id);
        var testSet = db.Datasets.Single(d => d.Id == fixture.TestSet.Id);
        using var sparseDocument = JsonDocument.Parse(sparse.DocumentJson);
        string revision = sparseDocument.RootElement.GetProperty("model").GetProperty("revision").GetString()!;

        Assert.Equal(DemoAssets.ModelName, provenance.Model);
        Assert.Equal(revision, provenance.ModelRevision);
        Assert.Equal(typeof(RunService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, provenance.SoftwareVersion);
        Assert.Equal("in-process", provenance.Engine);
        Assert.Equal([Sha256(dense.DocumentJson), Sha256(sparse.DocumentJson)], provenance.Vectors.Select(v => v.Sha256));
        Assert.Equal([dense.Method, sparse.Method], provenance.Vectors.Select(v => v.Method));
        Assert.Null(provenance.Vectors[0].Sae);
        Assert.Equal(sparse.SaeId, provenance.Vectors[1].Sae);
        Assert.Equal(sparseDocument.RootElement.GetProperty("sae").GetProperty("sha256").GetString(), provenance.Vectors[1].SaeSha256);
        var dataset = Assert.Single(provenance.Datasets);
        Assert.Equal(new DatasetProvenance("test set", testSet.Id, "romance A/B", testSet.ContentHash, 6, 2), dataset);
        Assert.Equal([0.0, 4], provenance.DenseLambdas);
        Assert.Equal([0.0, 16], provenance.SparseLambdas);
        Assert.True(provenance.DeltaCorrection);
        Assert.Null(provenance.Sampling);
        Assert.Null(provenance.Judge);
    }

    [SkippableFact]
    public async Task CsvExport_HasARowPerPoint_AndDefusesAFormulaInAVectorName()
    {
        RequireRun();
        using var response = await fixture.Client.GetAsync($"/api/runs/{fixture.Started.Id}/export?format=csv");
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"run-romance-a-b-dense-vs-sparse-{fixture.Started.Id.ToString("N")[..8]}.csv", response.Content.Headers.ContentDisposition?.FileName);

        var rows = Csv.Parse(text);
        Assert.Equal(["vector", "method", "lambda", "mean_p", "low", "high", "n"], rows[0]);
        Assert.Equal(1 + 2 + 2, rows.Count);
        // The formula is text now: quoted (it holds a comma and quotes) and prefixed with ' so no spreadsheet evaluates it.
        Assert.Equal("'" + AbSweepRunFixture.FormulaName, rows[1][0]);
        Assert.Contains("\"'=SUM(1,2) \"\"romance\"\" CAA\"", text);
        var points = fixture.Finished.AbSweep!.Series.SelectMany(s => s.Points.Select(p => (s.Method, p))).ToList();
        for (int i = 0; i < points.Count; i++)
        {
            var (method, point) = points[i];
            Assert.Equal(method, rows[i + 1][1]);
            Assert.Equal(point.Lambda, double.Parse(rows[i + 1][2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(point.MeanProbability, double.Parse(rows[i + 1][3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(point.IntervalLow, double.Parse(rows[i + 1][4], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("2", rows[i + 1][6]);
        }
    }

    [SkippableFact]
    public async Task JsonExport_ReadsBackAsTheRunTheApiShows()
    {
        RequireRun();
        using var response = await fixture.Client.GetAsync($"/api/runs/{fixture.Started.Id}/export?format=json");
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        var document = JsonSerializer.Deserialize<RunExportDocument>(text, JobApi.Json)!;
        Assert.Equal(RunExportDocument.FormatName, document.Format);
        Assert.Null(document.Answers);
        var shown = await new RunApi(fixture.Client).GetAsync(fixture.Started.Id);
        Assert.Equal(JsonSerializer.Serialize(shown, JobApi.Json), JsonSerializer.Serialize(document.Run, JobApi.Json));
    }

    [SkippableFact]
    public async Task Rerun_StartsANewRunFromTheStoredRequest_NamingTheOriginal()
    {
        RequireRun();
        var runs = new RunApi(fixture.Client);
        using var response = await fixture.Client.PostAsync($"/api/runs/{fixture.Started.Id}/rerun", null);
        var again = await DatasetApi.ReadAsync<RunSummary>(response, "POST rerun");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // Stop it at once: only what was created matters here, and the machine is shared.
        using (var cancel = await fixture.Client.PostAsync($"/api/runs/{again.Id}/cancel", null))
            Assert.True(cancel.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"cancel: {(int)cancel.StatusCode}");

        Assert.NotEqual(fixture.Started.Id, again.Id);
        Assert.NotEqual(fixture.Started.JobId, again.JobId);
        Assert.Equal(fixture.Started.Id, again.RerunOf);
        Assert.Equal(fixture.Started.Name, again.Name);
        var view = await runs.GetAsync(again.Id);
        Assert.Equal(JsonSerializer.Serialize(fixture.Finished.Request, JobApi.Json), JsonSerializer.Serialize(view.Request, JobApi.Json));
        Assert.Equal(fixture.Finished.Provenance.Vectors, view.Provenance.Vectors);
    }

    static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
