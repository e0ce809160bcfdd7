using System.Net.Http.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Tests.Datasets;

/// <summary>The built-in datasets are added when the server starts, once: a restart on the same database adds no copy.</summary>
public sealed class BuiltInDatasetSeedingTests
{
    [SkippableFact]
    public async Task BuiltInDatasets_AreAddedOnce_AndARestartAddsNoCopies()
    {
        string builtIn = Directory.CreateTempSubdirectory("steerlab-builtin-").FullName;
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-seed-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(builtIn, "formal-vs-casual.json"), """
                [{"prompt": "", "positive": "We regret to inform you.", "negative": "Bad news, mate."},
                 {"prompt": "", "positive": "Kindly be seated.", "negative": "Sit down."}]
                """);
            File.WriteAllText(Path.Combine(builtIn, "honesty.json"), """
                [{"question": "Is the sky green?\n(A) Yes\n(B) No", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"}]
                """);
            File.WriteAllText(Path.Combine(builtIn, "broken.json"), """[{"prompt": "p", "positive": "same", "negative": "same"}]""");
            var settings = new Dictionary<string, string?> { ["SteerLab:Datasets:BuiltInFolder"] = builtIn };

            IReadOnlyList<DatasetSummary> first;
            await using (var server = new SteerLabServer(dataFolder: dataFolder, extraSettings: settings))
            {
                var api = new DatasetApi(server.CreateClient());
                first = await api.ListAsync();
                // A renamed built-in dataset is still the same content: it is not added again under its old name.
                var honesty = first.Single(d => d.Name == "honesty");
                using var renamed = await api.Client.PatchAsJsonAsync($"/api/datasets/{honesty.Id}", new DatasetEdit(Name: "my honesty"), JobApi.Json);
                await DatasetApi.ReadAsync<DatasetSummary>(renamed, "PATCH");
            }

            Assert.Equal(["formal-vs-casual", "honesty"], first.Select(d => d.Name).Order()); // the broken file is left out
            Assert.Equal(ContrastiveDatasetReader.Read(Path.Combine(builtIn, "formal-vs-casual.json")).ContentHash,
                first.Single(d => d.Name == "formal-vs-casual").ContentHash);

            await using var restarted = new SteerLabServer(dataFolder: dataFolder, extraSettings: settings);
            var again = await new DatasetApi(restarted.CreateClient()).ListAsync();
            Assert.Equal(first.Select(d => d.Id).Order(), again.Select(d => d.Id).Order());
            Assert.Equal(["formal-vs-casual", "my honesty"], again.Select(d => d.Name).Order());
        }
        finally
        {
            SteerLabServer.TryDelete(dataFolder);
            SteerLabServer.TryDelete(builtIn);
        }
    }

    [SkippableFact]
    public async Task DemoDatasets_AreSeededFromTheDemoFolder_OnceEach()
    {
        string? demo = DemoAssets.FindFolder();
        string datasets = demo is null ? "" : Path.Combine(demo, DemoAssets.DatasetFolderName);
        Skip.If(!Directory.Exists(datasets) || !Directory.EnumerateFiles(datasets, "*.json").Any(), "the demo (demo/datasets) is not built here");
        var hashes = Directory.EnumerateFiles(datasets, "*.json").Select(f => ContrastiveDatasetReader.Read(f).ContentHash).ToList();
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-demo-seed-").FullName;
        try
        {
            await using (var server = new SteerLabServer(dataFolder: dataFolder))
                await new DatasetApi(server.CreateClient()).ListAsync();
            await using var restarted = new SteerLabServer(dataFolder: dataFolder);
            var listed = await new DatasetApi(restarted.CreateClient()).ListAsync();

            foreach (string hash in hashes) Assert.Single(listed, d => d.ContentHash == hash);
            Assert.All(listed, d => Assert.StartsWith("Built-in demo dataset.", d.Description));
        }
        finally { SteerLabServer.TryDelete(dataFolder); }
    }
}
