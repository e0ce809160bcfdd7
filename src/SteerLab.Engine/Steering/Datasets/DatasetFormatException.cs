namespace SteerLab.Engine.Steering.Datasets;

/// <summary>One problem in a dataset file. <see cref="Line"/> is the 1-based physical line where the row starts
/// (JSON, JSONL, CSV); <see cref="Index"/> the 0-based item index in a JSON array or the 0-based data row in a
/// CSV file; <see cref="Field"/> the field or column concerned. All are null for problems of the whole file.</summary>
public sealed record DatasetError(int? Line, int? Index, string? Field, string Reason)
{
    public override string ToString()
    {
        var where = new List<string>();
        if (Line is int line) where.Add($"line {line}");
        if (Index is int index) where.Add($"item {index}");
        if (Field is not null) where.Add($"field '{Field}'");
        return where.Count == 0 ? Reason : $"{string.Join(", ", where)}: {Reason}";
    }
}

/// <summary>A dataset file that was rejected as a whole. <see cref="Errors"/> lists every problem found (every
/// bad row, not just the first); nothing of the file is imported.</summary>
public sealed class DatasetFormatException(string source, IReadOnlyList<DatasetError> errors)
    : FormatException(Describe(source, errors))
{
    public string SourceName { get; } = source;
    public IReadOnlyList<DatasetError> Errors { get; } = errors;

    const int ShownInMessage = 20;

    static string Describe(string source, IReadOnlyList<DatasetError> errors)
    {
        var lines = errors.Take(ShownInMessage).Select(e => "  " + e);
        string more = errors.Count > ShownInMessage ? $"\n  … and {errors.Count - ShownInMessage} more" : "";
        return $"{source}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}:\n{string.Join("\n", lines)}{more}";
    }
}
