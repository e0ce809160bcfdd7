namespace SteerLab.Shared.Datasets;

public enum DatasetSaveOutcome
{
    /// <summary>A new dataset was saved.</summary>
    Created,
    /// <summary>A dataset with the same content was already saved; it is returned and nothing new is stored.</summary>
    AlreadyExists,
    /// <summary>The file has problems (see the report); nothing was saved.</summary>
    Invalid,
}

/// <summary>What saving an upload did.</summary>
/// <param name="Dataset">The new or existing dataset; null when <see cref="DatasetSaveOutcome.Invalid"/>.</param>
/// <param name="Report">The upload's validation report (its problems when invalid).</param>
public sealed record DatasetSaveResult(DatasetSaveOutcome Outcome, DatasetSummary? Dataset, DatasetValidationResult Report);
