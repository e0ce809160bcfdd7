using SteerLab.Shared.Jobs;

namespace SteerLab.Shared.Compare;

/// <summary>An A/B λ-sweep of library vectors on a saved A/B dataset (the body of <c>POST /api/compare/sweep</c>).
/// Dense vectors (CAA, top-k ENR, SAE-TS) are swept over <see cref="DenseLambdas"/> (α) and sparse ones (SAS) over
/// <see cref="SparseLambdas"/> (λ): the two coefficients live on different scales, so each kind has its own grid.</summary>
/// <param name="TestSetId">A saved dataset of A/B pairs (CAA format).</param>
/// <param name="MaxQuestions">Only the first this many questions are scored, so a sweep stays quick.</param>
/// <param name="DeltaCorrection">SAS vectors keep the SAE's reconstruction error (Δ); off for ablations.</param>
public sealed record SweepRequest(
    IReadOnlyList<Guid> VectorIds,
    Guid TestSetId,
    IReadOnlyList<double> DenseLambdas,
    IReadOnlyList<double> SparseLambdas,
    int MaxQuestions = SweepRequest.DefaultMaxQuestions,
    bool DeltaCorrection = true)
{
    public const int DefaultMaxQuestions = 50;
    public const int MaxMaxQuestions = 5000;
    public const int MaxLambdas = 41;

    public static IReadOnlyList<double> DefaultDenseLambdas { get; } = [-4, -2, -1, 0, 1, 2, 4];
    public static IReadOnlyList<double> DefaultSparseLambdas { get; } = [-16, -8, -4, 0, 4, 8, 16];
}

/// <summary>The queued job, or why nothing was queued (errors by field name, as ValidationProblem writes them).</summary>
public sealed record SweepStart(JobView? Job, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Started => Job is not null;
}
