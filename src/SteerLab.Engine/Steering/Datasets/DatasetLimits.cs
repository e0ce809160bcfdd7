namespace SteerLab.Engine.Steering.Datasets;

/// <summary>Bounds on an uploaded dataset, checked before anything large is allocated (DESIGN §9).</summary>
public sealed record DatasetLimits
{
    public static DatasetLimits Default { get; } = new();

    /// <summary>Largest accepted file, in bytes (default 50 MB).</summary>
    public long MaxBytes { get; init; } = 50L * 1024 * 1024;
    /// <summary>Most rows (pairs) accepted (default 100 000).</summary>
    public int MaxRows { get; init; } = 100_000;
    /// <summary>Deepest JSON nesting accepted (the top-level array counts as 1; a row object as 2).</summary>
    public int MaxJsonDepth { get; init; } = 8;

    internal void Validate()
    {
        if (MaxBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, "must be positive");
        if (MaxRows < 1) throw new ArgumentOutOfRangeException(nameof(MaxRows), MaxRows, "must be positive");
        if (MaxJsonDepth is < 2 or > 64) throw new ArgumentOutOfRangeException(nameof(MaxJsonDepth), MaxJsonDepth, "must be in [2, 64]");
    }
}

/// <summary>How a dataset file is written.</summary>
public enum DatasetFileFormat { Json, JsonLines, Csv }
