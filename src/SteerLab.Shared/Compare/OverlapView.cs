namespace SteerLab.Shared.Compare;

/// <summary>Which part of a sparse vector's support a heat map compares (DESIGN §5, Overlap): all non-zero features,
/// only the reinforced (positive) ones, or only the suppressed (negative) ones. Dense vectors are always compared by
/// cosine, whatever this says.</summary>
public enum OverlapSupport { All, Positive, Negative }

/// <summary>How one cell was measured. Cells that cannot be compared (a dense and a sparse vector, sparse vectors over
/// different SAEs, dense vectors of different d_model) hold 0 and <see cref="NotComparable"/>.</summary>
public enum OverlapMeasure { Jaccard, Cosine, NotComparable }

/// <summary>A vector as a heat map labels it.</summary>
/// <param name="Method">"caa", "topk_enr", "sas" or "sae_ts".</param>
/// <param name="Sae">"{release}/{id}" of a sparse vector's SAE; null for dense vectors.</param>
/// <param name="SupportSize">Non-zero entries (the L0 norm).</param>
public sealed record OverlapVector(Guid Id, string Name, string Method, bool IsSparse, string? Sae, int SupportSize, int DModel);

/// <summary>One cell of the matrix.</summary>
/// <param name="Value">Jaccard index in [0, 1] or cosine in [−1, 1]; 0 when not comparable.</param>
/// <param name="Shared">Jaccard cells: features in both supports.</param>
/// <param name="Union">Jaccard cells: features in either support.</param>
/// <param name="Reason">Not-comparable cells: why, in words ("different SAEs").</param>
public sealed record OverlapCell(double Value, OverlapMeasure Measure, int? Shared = null, int? Union = null, string? Reason = null);

/// <summary>A symmetric overlap matrix for a heat map: <c>Cells[i][j]</c> compares <c>Vectors[i]</c> with <c>Vectors[j]</c>.</summary>
public sealed record OverlapView(IReadOnlyList<OverlapVector> Vectors, OverlapSupport Support, IReadOnlyList<IReadOnlyList<OverlapCell>> Cells);
