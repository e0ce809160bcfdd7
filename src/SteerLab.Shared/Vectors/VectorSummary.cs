namespace SteerLab.Shared.Vectors;

/// <summary>A vector as the library lists it.</summary>
/// <param name="Id">The library's id (the document's own id when that is a GUID).</param>
/// <param name="Method">"caa", "topk_enr", "sas" or "sae_ts" (<see cref="VectorMethods"/>).</param>
/// <param name="Hook">The hook point it steers, e.g. "blocks.2.hook_resid_post".</param>
/// <param name="Model">The model id the document records.</param>
/// <param name="IsSparse">True for vectors over an SAE's features (SAS), false for dense residual-stream vectors.</param>
/// <param name="SupportSize">Non-zero entries (the L0 norm): features for sparse vectors, coordinates for dense ones.</param>
/// <param name="DatasetHash">The content hash of the dataset it was built from, when the document names one.</param>
/// <param name="CreatedAt">When the vector was made (the document's created_at), UTC.</param>
public sealed record VectorSummary(
    Guid Id,
    string Name,
    string Method,
    string Hook,
    string Model,
    bool IsSparse,
    double L2Norm,
    int SupportSize,
    string? DatasetName,
    string? DatasetHash,
    DateTime CreatedAt)
{
    /// <summary>The team that shared this vector with the caller's team (read-only here); null for the team's own vectors.</summary>
    public string? SharedFrom { get; init; }
}
