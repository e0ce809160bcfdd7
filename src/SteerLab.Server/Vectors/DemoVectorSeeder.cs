using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Vectors;

/// <summary>Puts the built-in demo vectors (<c>demo/vectors/*.json</c>) into the library at start, so a fresh install
/// has vectors to chat with. Runs after the database migrator (registered after it). Importing is idempotent — a vector
/// already stored is found by its id — so restarts never add copies; a demo vector someone deleted comes back at the
/// next start, like any built-in. A bad file is logged and skipped: the demo never stops the server from starting.</summary>
sealed class DemoVectorSeeder(VectorService vectors, IOptions<VectorLibraryOptions> options, ILogger<DemoVectorSeeder> logger)
{
    /// <summary>Adds the demo vectors to the team the scope acts for (<see cref="Accounts.DemoContentSeeder"/>).</summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemoVectors) return;
        string? folder = options.Value.DemoVectorFolder
            ?? (DemoAssets.FindFolder() is { } demo ? Path.Combine(demo, DemoAssets.VectorFolderName) : null);
        if (folder is null || !Directory.Exists(folder))
        {
            logger.LogInformation("No built-in vectors to add: {Folder}", folder is null ? "no demo folder found" : $"{folder} does not exist");
            return;
        }
        int added = 0;
        foreach (string path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] bytes;
            try
            {
                if (new FileInfo(path).Length > vectors.MaxImportBytes) { logger.LogWarning("Built-in vector {Path} is larger than the import limit; skipped", path); continue; }
                bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Cannot read built-in vector {Path}: {Problem}", path, e.Message);
                continue;
            }
            var result = await vectors.ImportAsync(bytes, path, cancellationToken);
            if (result.Outcome == VectorImportOutcome.Imported) added++;
            else if (!result.Succeeded)
                logger.LogWarning("Built-in vector {Path} was not added ({Outcome}): {Problems}", path, result.Outcome,
                    string.Join("; ", result.Problems.Take(10).Select(p => $"{p.Path}: {p.Message}")));
        }
        if (added > 0) logger.LogInformation("Added {Count} built-in vectors from {Folder}", added, folder);
    }
}
