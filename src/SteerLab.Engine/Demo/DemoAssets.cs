namespace SteerLab.Engine.Demo;

/// <summary>Where the committed demo lives and what its parts are called. The demo folder is a model root: the model sits
/// in a folder named after it, next to its SAE, classifier, datasets and vectors.</summary>
public static class DemoAssets
{
    public const string FolderName = "demo";
    public const string ModelFolderName = ModelName;
    public const string SaeFolderName = "sae";
    public const string DatasetFolderName = "datasets";
    public const string VectorFolderName = "vectors";
    public const string EvaluationFileName = "steering_evaluation.json";
    public const string ManifestFileName = "manifest.json";
    /// <summary>The demo model's name wherever a model is named (vectors, SAE config, the UI).</summary>
    public const string ModelName = "steerlab-brown-demo";

    public static string VectorName(DemoContrast contrast, Steering.SteeringMethod method) => $"{contrast.Id} {Steering.Documents.VectorDocument.MethodName(method).ToUpperInvariant()}";
    public static string VectorFileName(DemoContrast contrast, Steering.SteeringMethod method) => $"{contrast.Id}.{Steering.Documents.VectorDocument.MethodName(method)}.json";

    /// <summary>The demo folder: copied beside the application by the build (<c>&lt;app&gt;/demo</c>), or <c>demo/</c> at the
    /// root of the source tree when run from there; null when neither holds a manifest.</summary>
    public static string? FindFolder()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, FolderName);
        if (File.Exists(Path.Combine(beside, ManifestFileName))) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SteerLab.sln")))
                return File.Exists(Path.Combine(dir.FullName, FolderName, ManifestFileName)) ? Path.Combine(dir.FullName, FolderName) : null;
        return null;
    }
}
