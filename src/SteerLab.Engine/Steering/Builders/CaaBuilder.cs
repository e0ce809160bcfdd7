using SteerLab.Engine.Steering.Activations;

namespace SteerLab.Engine.Steering.Builders;

/// <summary>Contrastive activation addition (Rimsky et al. 2024; DESIGN §5): v = mean(h⁺) − mean(h⁻), a dense
/// vector over d_model applied as h ← h + αv.</summary>
public static class CaaBuilder
{
    /// <summary>mean(h⁺) − mean(h⁻) [d], computed in float64.</summary>
    public static double[] MeanDifference(ContrastiveActivations activations)
    {
        SideStatistics.Validate(activations);
        var positive = SideStatistics.Of(activations.Positive);
        var negative = SideStatistics.Of(activations.Negative);
        return MeanDifference(positive, negative);
    }

    internal static double[] MeanDifference(SideStatistics positive, SideStatistics negative) =>
        positive.Mean.Select((m, i) => m - negative.Mean[i]).ToArray();

    public static SteeringVector Build(ContrastiveActivations activations, string? name = null)
    {
        var difference = MeanDifference(activations);
        return new SteeringVector
        {
            Name = name ?? $"CAA @ {activations.Hook.Name}",
            Method = SteeringMethod.Caa,
            Parameters = VectorParameters.Common(activations),
            Hook = activations.Hook,
            DModel = activations.DModel,
            Dense = difference.Select(v => (float)v).ToArray(),
        };
    }
}
