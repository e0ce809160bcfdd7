using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Pages.Runs;

/// <summary>Where the run pages and downloads live. Relative to the document's base href ("/").</summary>
public static class RunUrls
{
    public const string List = "runs";

    /// <summary>The new-run form; with vectors already chosen when <paramref name="vectorIds"/> are given.</summary>
    public static string New(IEnumerable<Guid>? vectorIds = null) =>
        vectorIds?.Any() == true ? $"runs/new?vectors={string.Join(",", vectorIds)}" : "runs/new";

    public static string Detail(Guid id) => $"runs/{id}";

    /// <summary>The REST export ("csv" or "json"), answered as an attachment, so a plain link downloads the file without
    /// streaming it through the circuit.</summary>
    public static string Export(Guid id, string format) => $"api/runs/{id}/export?format={format}";

    /// <summary>"romance sweep" → "romance-sweep.csv", from the same rules as vector downloads.</summary>
    public static string ExportFileName(string runName, Guid id, string format)
    {
        string name = VectorFileNames.For(runName, id);
        if (name == $"vector-{id:N}.json") name = $"run-{id:N}.json"; // nothing usable in the run's name
        return Path.ChangeExtension(name, format);
    }
}
