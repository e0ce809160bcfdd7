using SteerLab.Engine.Steering.Activations;

namespace SteerLab.Engine.Steering.Builders;

/// <summary>The vector and what the UI shows about it: the full mean difference, every coordinate's ENR and
/// the kept coordinates, best first.</summary>
public sealed record TopKEnrResult(SteeringVector Vector, double[] MeanDifference, double[] Enr, int[] KeptIndices);

/// <summary>Top-k ENR (DESIGN §5): the CAA mean difference v kept only on the k coordinates with the largest
/// effect-to-noise ratio ENR_i = |v_i| / sqrt(var⁺_i/n⁺ + var⁻_i/n⁻), zero elsewhere; applied like CAA.
/// <para>var is the unbiased (n − 1) sample variance; a side with one example contributes variance 0. The
/// squared standard error under the root is floored at <see cref="VarianceFloor"/>, so a coordinate with no
/// measured noise (constant on both sides, or n⁺ = n⁻ = 1) gets a huge but finite ENR — it ranks first, such
/// coordinates rank among themselves by |v_i|, and the numbers stay serialisable (no ∞ or NaN). v_i = 0 gives
/// ENR 0 (0/0 included). Ties are broken by larger |v_i|, then by lower index, so the choice is deterministic.</para></summary>
public static class TopKEnrBuilder
{
    /// <summary>Floor of var⁺/n⁺ + var⁻/n⁻ (a standard error of 1e-6), far below float32 resolution of real activations.</summary>
    public const double VarianceFloor = 1e-12;

    /// <summary>ENR_i for every coordinate.</summary>
    public static double[] EffectToNoise(ContrastiveActivations activations)
    {
        SideStatistics.Validate(activations);
        return EffectToNoise(SideStatistics.Of(activations.Positive), SideStatistics.Of(activations.Negative), out _);
    }

    static double[] EffectToNoise(SideStatistics positive, SideStatistics negative, out double[] difference)
    {
        var v = CaaBuilder.MeanDifference(positive, negative);
        difference = v;
        var enr = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            double squaredError = positive.Variance[i] / positive.Count + negative.Variance[i] / negative.Count;
            enr[i] = Math.Abs(v[i]) / Math.Sqrt(Math.Max(squaredError, VarianceFloor));
        }
        return enr;
    }

    public static TopKEnrResult Build(ContrastiveActivations activations, int k, string? name = null)
    {
        SideStatistics.Validate(activations);
        int d = activations.DModel;
        if (k < 1 || k > d) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, d_model = {d}]");
        var enr = EffectToNoise(SideStatistics.Of(activations.Positive), SideStatistics.Of(activations.Negative), out var v);
        var kept = Enumerable.Range(0, d)
            .OrderByDescending(i => enr[i]).ThenByDescending(i => Math.Abs(v[i])).ThenBy(i => i)
            .Take(k).ToArray();
        var dense = new float[d];
        foreach (int i in kept) dense[i] = (float)v[i];
        var parameters = VectorParameters.Common(activations);
        parameters[VectorParameters.K] = k;
        var vector = new SteeringVector
        {
            Name = name ?? $"Top-{k} ENR @ {activations.Hook.Name}",
            Method = SteeringMethod.TopKEnr,
            Parameters = parameters,
            Hook = activations.Hook,
            DModel = d,
            Dense = dense,
        };
        return new TopKEnrResult(vector, v, enr, kept);
    }
}
