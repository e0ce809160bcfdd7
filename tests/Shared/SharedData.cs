namespace SteerLab.TestSupport;

/// <summary>Shared by the test projects (linked into each). Locates <c>../shared/data</c> next to the repository root (the folder holding SteerLab.sln).
/// Tests that need it skip with a clear message when it is absent, except under CI (CI=true), where
/// absence is a failure.</summary>
public static class SharedData
{
    static readonly Lazy<string?> root = new(FindRoot);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Full path of a file or folder under ../shared/data; skips or fails if absent.</summary>
    public static string Require(string relativePath)
    {
        string? dataRoot = root.Value;
        string? path = dataRoot is null ? null : Path.Combine(dataRoot, relativePath);
        if (path is not null && (File.Exists(path) || Directory.Exists(path))) return path;
        string message = $"Shared test data '{relativePath}' not found under {Path.Combine(Path.GetDirectoryName(RepositoryRoot)!, "shared", "data")}.";
        if (IsCi) throw new InvalidOperationException(message + " Under CI (CI=true) the shared data must be present.");
        Skip.If(true, message + " Skipping (set up ../shared/data beside the repository to run this test).");
        return "";
    }

    /// <summary>The ../shared/data folder itself (skips or fails like <see cref="Require"/>): the model root the
    /// tests' servers and workers use, holding "stories260K".</summary>
    public static string ModelRoot => Path.GetDirectoryName(Require("stories260K"))!;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    static string? FindRoot()
    {
        string candidate = Path.Combine(Path.GetDirectoryName(RepositoryRoot)!, "shared", "data");
        return Directory.Exists(candidate) ? candidate : null;
    }

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SteerLab.sln"))) return dir.FullName;
        // Built with --artifacts-path outside the repository: the build recorded where the sources were.
        string? recorded = typeof(SharedData).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "SteerLab.sln"))) return Path.GetFullPath(recorded);
        throw new InvalidOperationException($"No SteerLab.sln above {AppContext.BaseDirectory}.");
    }
}
