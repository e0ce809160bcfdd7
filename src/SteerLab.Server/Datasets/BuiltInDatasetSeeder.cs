using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Server.Datasets;

/// <summary>Adds the built-in datasets (the demo's <c>datasets/*.json</c>) at start, each unless a dataset with the
/// same content hash is already saved: restarts add nothing, and a renamed built-in dataset stays as the user named
/// it. Runs for one team at a time (<see cref="Accounts.DemoContentSeeder"/>), in a scope acting for that team.</summary>
sealed class BuiltInDatasetSeeder(DatasetService datasets, IOptions<DatasetOptions> options, IHostEnvironment environment, ILogger<BuiltInDatasetSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedBuiltIn || Folder() is not { } folder || !Directory.Exists(folder)) return;
        foreach (string file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            ContrastiveDataset dataset;
            try
            {
                dataset = ContrastiveDatasetReader.Read(file, name);
            }
            catch (DatasetFormatException problem)
            {
                // A broken built-in file must not keep the workbench from starting; it is reported, not imported.
                logger.LogError("Built-in dataset {File} was not added: {Problem}", file, problem.Message);
                continue;
            }
            var (saved, created) = await datasets.AddIfNewAsync(dataset, name, Describe(name, file), cancellationToken);
            if (created) logger.LogInformation("Added built-in dataset {Name} ({Pairs} pairs)", saved.Name, saved.PairCount);
        }
    }

    string? Folder() => options.Value.BuiltInFolder is { Length: > 0 } configured
        ? Path.Combine(environment.ContentRootPath, configured)
        : DemoAssets.FindFolder() is { } demo ? Path.Combine(demo, DemoAssets.DatasetFolderName) : null;

    static string Describe(string name, string file) =>
        DemoContrast.All.FirstOrDefault(c => c.Id == name) is { } contrast
            ? $"Built-in demo dataset. {contrast.Description}."
            : $"Built-in dataset ({Path.GetFileName(file)}).";
}
