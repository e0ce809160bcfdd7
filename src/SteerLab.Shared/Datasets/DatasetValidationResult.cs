namespace SteerLab.Shared.Datasets;

/// <summary>How an uploaded file is written, from its extension: .json (an array of objects), .jsonl / .ndjson (one
/// object per line), .csv (a header row, then one row per pair).</summary>
public enum DatasetFormat { Json, JsonLines, Csv }

/// <summary>The field names an uploaded file used (DESIGN §8).</summary>
public enum DatasetLayout
{
    /// <summary>question, answer_matching_behavior, answer_not_matching_behavior (answers "(A)"…"(Z)").</summary>
    CaaAb,
    /// <summary>prompt, positive, negative (free-text completions).</summary>
    PlainPairs,
    /// <summary>prompt, correct, incorrect: CAA's A/B versions of MMLU and TruthfulQA (correct plays "matching").</summary>
    AbBenchmark,
}

/// <summary>One problem of an uploaded file. All locations are null for problems of the whole file.</summary>
/// <param name="Line">1-based line of the file where the row starts.</param>
/// <param name="Row">1-based number of the row: the item in a JSON array, the data row after a CSV header (JSON
/// Lines rows are located by their line alone).</param>
/// <param name="Field">The field or column concerned.</param>
public sealed record DatasetProblem(int? Line, int? Row, string? Field, string Reason);

/// <summary>What checking an upload found, before anything is saved: either every row is good (then the pairs'
/// count, hash and first rows) or the problems, every bad row with its line and reason. Nothing of an invalid file is
/// ever saved.</summary>
/// <param name="FileName">The uploaded file's name, as the user's browser gave it.</param>
/// <param name="Format">The format its extension says; null when the extension is not one of ours.</param>
/// <param name="Layout">The field names it used; null when invalid.</param>
/// <param name="Kind">The kind of pairs; null when invalid.</param>
/// <param name="PairCount">Pairs read; 0 when invalid.</param>
/// <param name="ContentHash">The version the pairs would be saved as; null when invalid.</param>
/// <param name="ProblemCount">How many problems were found; <paramref name="Problems"/> may list fewer (the first
/// <see cref="MaxListedProblems"/>).</param>
/// <param name="Preview">The first pairs, as they would be saved.</param>
/// <param name="Existing">A saved dataset with the same content: saving again would return it, not a copy.</param>
public sealed record DatasetValidationResult(
    string FileName,
    DatasetFormat? Format,
    DatasetLayout? Layout,
    DatasetPairKind? Kind,
    int PairCount,
    string? ContentHash,
    int ProblemCount,
    IReadOnlyList<DatasetProblem> Problems,
    IReadOnlyList<DatasetPair> Preview,
    DatasetSummary? Existing)
{
    /// <summary>More problems than this are counted, not listed: a broken 100 000-row file should not make a report
    /// larger than the file.</summary>
    public const int MaxListedProblems = 1000;

    /// <summary>Pairs shown before saving.</summary>
    public const int PreviewPairs = 10;

    public bool IsValid => ProblemCount == 0;
}
