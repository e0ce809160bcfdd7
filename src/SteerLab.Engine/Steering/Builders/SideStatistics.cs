using SteerLab.Engine.Steering.Activations;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.Builders;

/// <summary>Per-coordinate mean and unbiased variance of one side's activations [n, d], in float64 (means of
/// thousands of float32 rows lose digits otherwise). With n = 1 the variance is 0: one sample carries no
/// estimate of spread, and 0 is what the ENR builder's noise floor is designed for.</summary>
sealed record SideStatistics(int Count, double[] Mean, double[] Variance)
{
    public static SideStatistics Of(Tensor rows)
    {
        using var scope = NewDisposeScope();
        var values = rows.to(ScalarType.Float64).cpu();
        int n = (int)values.shape[0];
        var mean = values.mean([0]).data<double>().ToArray();
        var variance = n > 1
            ? values.var(0, unbiased: true).data<double>().ToArray()
            : new double[mean.Length];
        return new SideStatistics(n, mean, variance);
    }

    /// <summary>Rejects activations no builder can use, with a message naming the problem.</summary>
    public static void Validate(ContrastiveActivations activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        var (positive, negative) = (activations.Positive, activations.Negative);
        if (positive.dim() != 2 || negative.dim() != 2)
            throw new ArgumentException($"contrastive activations must be [n, d] on each side, got [{string.Join(", ", positive.shape)}] and [{string.Join(", ", negative.shape)}]");
        if (positive.shape[1] != negative.shape[1])
            throw new ArgumentException($"positive activations have d = {positive.shape[1]} but negative ones d = {negative.shape[1]}");
        if (positive.shape[0] == 0 || negative.shape[0] == 0)
            throw new ArgumentException($"each side needs at least one example (positive {positive.shape[0]}, negative {negative.shape[0]})");
        if (!positive.is_floating_point() || !negative.is_floating_point())
            throw new ArgumentException("contrastive activations must be floating point");
        using var scope = NewDisposeScope();
        if (!positive.isfinite().all().logical_and(negative.isfinite().all()).item<bool>())
            throw new ArgumentException("contrastive activations contain NaN or infinite values");
    }
}
