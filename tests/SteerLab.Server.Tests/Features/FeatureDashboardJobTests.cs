using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Features;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Features;

/// <summary>Feature dashboards on the real host: a seeded demo SAS vector (model steerlab-brown-demo, SAE "sae") gets a
/// "feature-dashboard" job over its own seeded dataset, run by the in-process engine.</summary>
public sealed class FeatureDashboardJobTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly TimeSpan JobWait = TimeSpan.FromMinutes(3);

    static SteerLabServer NewDemoServer()
    {
        string demo = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the test assembly");
        // Default vector seeding: the demo's own vectors are in the library.
        return new SteerLabServer(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = demo });
    }

    static async Task<JobView> WaitForEndAsync(IFeatureDashboardService dashboards, Guid jobId)
    {
        var deadline = DateTime.UtcNow + JobWait;
        while (true)
        {
            var job = await dashboards.GetJobAsync(jobId) ?? throw new InvalidOperationException($"job {jobId} disappeared");
            if (job.State.IsFinal()) return job;
            Assert.True(DateTime.UtcNow < deadline, $"the dashboard job did not finish within {JobWait.TotalMinutes} minutes: {JobApi.Describe(job)}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task DashboardJob_OnADemoSasVector_DescribesItsTopFeaturesOverItsOwnDataset()
    {
        await using var server = NewDemoServer();
        var vectors = server.AdminServices.GetRequiredService<IVectorService>();
        var dashboards = server.AdminServices.GetRequiredService<IFeatureDashboardService>();
        var sas = (await vectors.ListAsync(new VectorQuery([VectorMethods.Sas], DemoAssets.ModelName))).OrderBy(v => v.Name, StringComparer.Ordinal).First();
        var export = (await vectors.ExportAsync(sas.Id))!;
        var document = VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(export.Json), "test");
        var sparse = document.Sparse!;
        int[] expectedFeatures = Enumerable.Range(0, sparse.Indices.Length).Where(i => sparse.Values[i] != 0)
            .OrderByDescending(i => Math.Abs(sparse.Values[i])).ThenBy(i => sparse.Indices[i]).Take(10).Select(i => sparse.Indices[i]).ToArray();

        var start = await dashboards.StartAsync(sas.Id);
        Assert.True(start.Started, start.Error);
        Assert.Equal(EngineJobKinds.FeatureDashboard, start.Job!.Kind);
        var done = await WaitForEndAsync(dashboards, start.Job.Id);
        Assert.True(done.State == JobState.Succeeded, JobApi.Describe(done));
        Assert.Equal(1.0, done.Progress);
        Assert.Equal(done.Id, (await dashboards.GetLatestAsync(sas.Id))?.Id);

        var result = dashboards.ResultOf(done)!;
        output.WriteLine($"{sas.Name}: {result.TextCount} texts, {result.TokenCount} tokens, job ran {(done.FinishedAt - done.StartedAt)?.TotalSeconds:0.0} s");
        foreach (var f in result.Features)
            output.WriteLine($"feature {f.Feature}: fires {f.FiringFrequency:P2} ({f.FiringCount}), max {f.MaxActivation:0.###}, top context '{(f.TopContexts.Count > 0 ? string.Concat(f.TopContexts[0].Tokens) : "")}', promoted {string.Join(" ", f.Promoted.Take(3).Select(t => $"'{t.Token}' {t.Logit:0.##}"))}");
        Assert.Contains(document.Dataset!.Name, result.CorpusName);
        Assert.Equal(2 * document.Dataset.PairCount, result.TextCount); // prompt + positive, prompt + negative (all distinct here)
        Assert.True(result.TokenCount > result.TextCount, $"{result.TokenCount} tokens in {result.TextCount} texts");
        Assert.Equal(expectedFeatures, result.Features.Select(f => f.Feature));
        Assert.Contains(result.Features, f => f.FiringCount > 0);
        foreach (var feature in result.Features)
        {
            Assert.Equal(feature.FiringCount, feature.Histogram.Counts.Sum());
            Assert.Equal(feature.FiringCount / (double)result.TokenCount, feature.FiringFrequency, 12);
            Assert.Equal(10, feature.Promoted.Count);
            Assert.Equal(10, feature.Suppressed.Count);
            Assert.True(feature.Promoted[0].Logit >= feature.Promoted[^1].Logit && feature.Suppressed[0].Logit <= feature.Suppressed[^1].Logit);
            if (feature.FiringCount == 0) { Assert.Empty(feature.TopContexts); continue; }
            Assert.Equal(feature.MaxActivation, feature.TopContexts[0].Activation, 6);
            foreach (var context in feature.TopContexts)
            {
                Assert.InRange(context.MarkedToken, 0, context.Tokens.Count - 1);
                Assert.InRange(context.TextIndex, 0, result.TextCount - 1);
                Assert.True(context.Activation > 0);
            }
        }
    }

    [Fact]
    public async Task DashboardJob_IsRefusedForDenseVectors_WithTheReason()
    {
        await using var server = NewDemoServer();
        var vectors = server.AdminServices.GetRequiredService<IVectorService>();
        var dashboards = server.AdminServices.GetRequiredService<IFeatureDashboardService>();
        var caa = (await vectors.ListAsync(new VectorQuery([VectorMethods.Caa], DemoAssets.ModelName))).First();

        var start = await dashboards.StartAsync(caa.Id);

        Assert.False(start.Started);
        Assert.Contains("dense vector", start.Error);
        Assert.Contains("there is no vector", (await dashboards.StartAsync(Guid.NewGuid())).Error);
    }
}
