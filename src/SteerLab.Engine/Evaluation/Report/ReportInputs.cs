using SteerLab.Engine.Demo;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>What the report runs on. Without options it is the built-in demo: its model, its SAE, its two genre
/// datasets and its genre classifier as the judge.</summary>
public sealed record ReportInputs
{
    public required string ModelFolder { get; init; }
    /// <summary>SAE folders at one hook; the first is the one most sections build SAS vectors in, the others join the
    /// width-scaling section as given SAEs.</summary>
    public required IReadOnlyList<string> SaeFolders { get; init; }
    /// <summary>Contrastive datasets (plain pairs or CAA A/B); at least one, two for the composition section.</summary>
    public required IReadOnlyList<string> DatasetPaths { get; init; }
    /// <summary>The demo's genre classifier (<see cref="GenreClassifier"/>): judges datasets named like a demo contrast.</summary>
    public string? ClassifierPath { get; init; }
    /// <summary>Where SAEs trained for the width section are kept between runs.</summary>
    public required string CacheFolder { get; init; }
    /// <summary>The command line as typed, for the report's header.</summary>
    public required string CommandLine { get; init; }

    /// <summary>The demo's parts, found by <see cref="DemoAssets.FindFolder"/>; throws when the demo is not there.</summary>
    public static ReportInputs Demo(string cacheFolder, string commandLine)
    {
        string demo = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the built-in demo folder was not found; give --model, --sae and --dataset");
        return new ReportInputs
        {
            ModelFolder = Path.Combine(demo, DemoAssets.ModelFolderName),
            SaeFolders = [Path.Combine(demo, DemoAssets.SaeFolderName)],
            DatasetPaths = DemoContrast.All.Select(c => Path.Combine(demo, DemoAssets.DatasetFolderName, c.DatasetFileName)).ToList(),
            ClassifierPath = Path.Combine(demo, GenreClassifier.FileName),
            CacheFolder = cacheFolder,
            CommandLine = commandLine,
        };
    }
}
