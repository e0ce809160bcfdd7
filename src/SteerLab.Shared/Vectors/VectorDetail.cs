using System.Text.Json;
using System.Text.Json.Serialization;

namespace SteerLab.Shared.Vectors;

/// <summary>Everything the detail page shows about one vector.</summary>
/// <param name="DocumentId">The id inside the vector document (usually the library id without dashes).</param>
/// <param name="Parameters">The method's parameters (τ, k, read position…), ordered by name; values as the document
/// has them (string, number or boolean).</param>
/// <param name="Layer">The decoder block the hook belongs to.</param>
/// <param name="Length">How many entries the vector has: d_model for dense vectors, the SAE's width for sparse ones.</param>
/// <param name="TopEntries">The entries with the largest |weight|, largest first: SAE features for sparse vectors,
/// residual-stream coordinates for dense ones. At most the number asked for.</param>
public sealed record VectorDetail(
    VectorSummary Summary,
    string DocumentId,
    string Description,
    string Behaviour,
    IReadOnlyList<VectorParameter> Parameters,
    int DModel,
    int Layer,
    int Length,
    VectorNorms Norms,
    VectorProvenance Provenance,
    IReadOnlyList<VectorEntry> TopEntries)
{
    /// <summary>How many top entries a detail carries unless asked otherwise.</summary>
    public const int DefaultTopEntries = 50;
    public const int MaxTopEntries = 1000;
}

/// <summary>One method parameter.</summary>
public sealed record VectorParameter(string Name, JsonElement Value)
{
    /// <summary>The value as text: strings without quotes, numbers and booleans as JSON writes them.</summary>
    [JsonIgnore]
    public string Text => Value.ValueKind == JsonValueKind.String ? Value.GetString() ?? "" : Value.GetRawText();
}

/// <param name="L0">Non-zero entries.</param>
/// <param name="PositiveCount">Entries above zero (for sparse vectors: features reinforced).</param>
/// <param name="NegativeCount">Entries below zero (for sparse vectors: features suppressed).</param>
public sealed record VectorNorms(double L1, double L2, int L0, int PositiveCount, int NegativeCount);

/// <summary>Where a vector came from.</summary>
/// <param name="SoftwareVersion">The SteerLab version that wrote the stored document (the importing server's: the
/// document is re-written when it is imported).</param>
public sealed record VectorProvenance(
    string ModelId,
    string? ModelRevision,
    VectorDatasetReference? Dataset,
    VectorSaeReference? Sae,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string? SoftwareName,
    string? SoftwareVersion);

public sealed record VectorDatasetReference(string Name, string ContentHash, int PairCount);

/// <summary>The SAE a sparse vector lives in (for SAE-TS: the SAE it targets).</summary>
public sealed record VectorSaeReference(string Release, string Id, int Width, string? Sha256);

/// <summary>One entry of a vector: an SAE feature (sparse vectors) or a residual-stream coordinate (dense vectors).</summary>
public sealed record VectorEntry(int Index, float Weight);
