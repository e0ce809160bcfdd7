using Microsoft.Extensions.Options;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Server.Datasets;

/// <summary>"SteerLab:Datasets": bounds on uploads (DESIGN §9) and the built-in datasets added at start.</summary>
public sealed record DatasetOptions
{
    public const string SectionName = "SteerLab:Datasets";

    /// <summary>Largest accepted upload, in bytes (default 20 MB; CAA's largest file is under 1 MB).</summary>
    public long MaxUploadBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>Most pairs one dataset may hold.</summary>
    public int MaxRows { get; init; } = DatasetLimits.Default.MaxRows;

    /// <summary>Whether the built-in datasets are added at start (each once: not when a dataset with the same content
    /// exists).</summary>
    public bool SeedBuiltIn { get; init; } = true;

    /// <summary>Folder whose *.json files are the built-in datasets, relative to the content root; unset: the demo's
    /// datasets folder (<c>demo/datasets</c>).</summary>
    public string? BuiltInFolder { get; init; }

    /// <summary>The same bounds as the engine's readers take them.</summary>
    public DatasetLimits ReaderLimits => new() { MaxBytes = MaxUploadBytes, MaxRows = MaxRows };
}

/// <summary>Refuses to start with dataset settings that cannot work, naming the setting.</summary>
public sealed class DatasetOptionsValidation : IValidateOptions<DatasetOptions>
{
    /// <summary>Uploads are held in memory while they are checked: a bound past this is a mistake, not a setting.</summary>
    public const long MaxSensibleUploadBytes = 1L << 30;

    public ValidateOptionsResult Validate(string? name, DatasetOptions options)
    {
        List<string> problems = [];
        if (options.MaxUploadBytes is < 1 or > MaxSensibleUploadBytes)
            problems.Add($"{DatasetOptions.SectionName}:MaxUploadBytes must be between 1 and {MaxSensibleUploadBytes}, not {options.MaxUploadBytes}");
        if (options.MaxRows < 1) problems.Add($"{DatasetOptions.SectionName}:MaxRows must be at least 1, not {options.MaxRows}");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
