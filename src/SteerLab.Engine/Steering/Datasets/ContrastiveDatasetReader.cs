namespace SteerLab.Engine.Steering.Datasets;

/// <summary>Reads a contrastive dataset (DESIGN §8) from JSON (an array of objects), JSON Lines (one object per
/// line) or CSV (RFC 4180 with a header row). Accepted layouts: CAA A/B rows (<c>question</c>,
/// <c>answer_matching_behavior</c>, <c>answer_not_matching_behavior</c>, answers "(A)"…"(Z)") and plain pairs
/// (<c>prompt</c>, <c>positive</c>, <c>negative</c> completions). Either every row is good and the whole dataset is
/// returned, or a <see cref="DatasetFormatException"/> lists every problem with its line (and item index).</summary>
public static class ContrastiveDatasetReader
{
    static readonly PairSchema[] Schemas = [PairSchema.Caa, PairSchema.Plain];

    /// <summary>Reads a file; the format comes from its extension unless given; the name defaults to the file name
    /// without extension.</summary>
    public static ContrastiveDataset Read(string path, string? name = null, DatasetFileFormat? format = null, DatasetLimits? limits = null) =>
        new(name ?? Path.GetFileNameWithoutExtension(path), DatasetFileReader.ReadPairs(path, format, limits, Schemas));

    /// <summary>Reads an upload; <paramref name="source"/> names it in error messages.</summary>
    public static ContrastiveDataset Read(Stream stream, string source, DatasetFileFormat format, string name, DatasetLimits? limits = null) =>
        new(name, DatasetFileReader.ReadPairs(stream, source, format, limits, Schemas));

    /// <summary>The format a file name says: .json, .jsonl / .ndjson, .csv.</summary>
    public static DatasetFileFormat FormatOf(string path) => DatasetFileReader.FormatOf(path);
}
