using Microsoft.Extensions.Options;
using SteerLab.Engine.Steering.Documents;

namespace SteerLab.Server.Vectors;

/// <summary>"SteerLab:Vectors": the vector library's limits and its built-in vectors.</summary>
public sealed record VectorLibraryOptions
{
    public const string SectionName = "SteerLab:Vectors";

    /// <summary>The largest vector document accepted for import, in bytes. A dense vector for a 4096-wide model is
    /// about 60 KB of JSON; the engine's own reader stops at 256 MB.</summary>
    public long MaxImportBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Store the built-in demo vectors at start when they are missing.</summary>
    public bool SeedDemoVectors { get; init; } = true;

    /// <summary>Where the built-in vectors are read from; unset: the demo folder's <c>vectors/</c>.</summary>
    public string? DemoVectorFolder { get; init; }
}

sealed class VectorLibraryOptionsValidation : IValidateOptions<VectorLibraryOptions>
{
    public ValidateOptionsResult Validate(string? name, VectorLibraryOptions options) =>
        options.MaxImportBytes is < 1024 or > VectorDocumentReader.MaxDocumentBytes
            ? ValidateOptionsResult.Fail($"{VectorLibraryOptions.SectionName}:MaxImportBytes must be between 1024 and {VectorDocumentReader.MaxDocumentBytes}, not {options.MaxImportBytes}")
            : ValidateOptionsResult.Success;
}
