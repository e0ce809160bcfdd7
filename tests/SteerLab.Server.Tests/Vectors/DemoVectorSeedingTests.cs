using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Vectors;

/// <summary>The built-in vectors are put into the library at start, once: restarts on the same database add no copies.</summary>
public sealed class DemoVectorSeedingTests
{
    [SkippableFact]
    public async Task BuiltInVectors_AreSeededOnce_AcrossRestartsOnTheSameDatabase_SkippingBadFiles()
    {
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-vectors-seed-").FullName;
        string vectorFolder = Directory.CreateTempSubdirectory("steerlab-demo-vectors-").FullName;
        try
        {
            var dense = VectorDocuments.Dense("demo CAA");
            var sparse = VectorDocuments.Sparse("demo SAS");
            File.WriteAllText(Path.Combine(vectorFolder, "demo.caa.json"), VectorDocuments.Json(dense));
            File.WriteAllText(Path.Combine(vectorFolder, "demo.sas.json"), VectorDocuments.Json(sparse));
            File.WriteAllText(Path.Combine(vectorFolder, "broken.json"), "{ \"format\": ");
            File.WriteAllText(Path.Combine(vectorFolder, "notes.txt"), "not a vector");

            for (int start = 1; start <= 2; start++)
            {
                await using var server = VectorApi.NewServer(dataFolder, demoVectorFolder: vectorFolder);
                var api = new VectorApi(server.CreateClient());

                var listed = await api.ListAsync();
                Assert.Equal(new[] { dense.Id, sparse.Id }.Select(Guid.Parse).Order(), listed.Select(v => v.Id).Order());
                await using var db = server.CreateDbContext();
                Assert.Equal(2, await db.Vectors.CountAsync());
            }
        }
        finally
        {
            SteerLabServer.TryDelete(dataFolder);
            SteerLabServer.TryDelete(vectorFolder);
        }
    }

    [SkippableFact]
    public async Task TheShippedDemoVectors_AreInTheLibraryOfAFreshServer()
    {
        string? demo = DemoAssets.FindFolder();
        string folder = demo is null ? "" : Path.Combine(demo, DemoAssets.VectorFolderName);
        Skip.If(demo is null || !Directory.Exists(folder) || Directory.GetFiles(folder, "*.json").Length == 0,
            "The built-in demo has no vectors yet (demo/vectors/*.json, written by `SteerLab.Engine train-demo`).");
        var shipped = Directory.GetFiles(folder, "*.json").Select(path => VectorDocumentReader.Read(path)).ToList();

        await using var server = new SteerLabServer(); // default settings: the demo folder found beside the app
        var api = new VectorApi(server.CreateClient());

        var listed = await api.ListAsync($"?model={DemoAssets.ModelName}");
        foreach (var vector in shipped)
        {
            var stored = Assert.Single(listed, v => v.Id == Guid.Parse(vector.Id));
            Assert.Equal(vector.Name, stored.Name);
            Assert.Equal(VectorDocument.ToJson(vector), (await api.ExportAsync(stored.Id)).Json);
        }
    }
}
