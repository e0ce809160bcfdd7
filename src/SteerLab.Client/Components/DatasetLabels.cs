using System.Globalization;
using SteerLab.Shared.Datasets;

namespace SteerLab.Client.Components;

/// <summary>How the dataset pages name things: kinds, layouts, formats, hashes, sizes, times.</summary>
public static class DatasetLabels
{
    /// <summary>Style of a cell holding user text: its line breaks kept, long words wrapped.</summary>
    public const string TextStyle = "white-space: pre-wrap; overflow-wrap: anywhere";

    public static string Kind(DatasetPairKind kind) => kind switch
    {
        DatasetPairKind.AnswerChoice => "A/B questions",
        _ => "Completion pairs",
    };

    public static string Layout(DatasetLayout layout) => layout switch
    {
        DatasetLayout.CaaAb => "CAA A/B (question, answer_matching_behavior, answer_not_matching_behavior)",
        DatasetLayout.AbBenchmark => "A/B benchmark (prompt, correct, incorrect)",
        _ => "plain pairs (prompt, positive, negative)",
    };

    public static string Format(DatasetFormat format) => format switch
    {
        DatasetFormat.Json => "JSON",
        DatasetFormat.JsonLines => "JSON Lines",
        _ => "CSV",
    };

    /// <summary>Column titles for a kind's prompt, positive and negative side.</summary>
    public static (string Prompt, string Positive, string Negative) Columns(DatasetPairKind kind) => kind == DatasetPairKind.AnswerChoice
        ? ("Question", "Matching answer", "Not matching answer")
        : ("Prompt", "Positive", "Negative");

    /// <summary>The first characters of a content hash: enough to tell versions apart in a list.</summary>
    public static string HashPrefix(string hash) => hash.Length <= 12 ? hash : hash[..12];

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    /// <summary>Times are stored in UTC and shown as such: the server's readers may sit in any time zone.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Plural(int count, string one, string many) => count == 1 ? $"1 {one}" : $"{count.ToString("N0", CultureInfo.InvariantCulture)} {many}";
}
