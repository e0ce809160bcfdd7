using SteerLab.Engine.Hooks;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.SaeTs;

/// <summary>SAE-TS step 3: the vector that targets feature j with few side effects,
/// v = M_j/‖M_j‖ − β·(M b)/‖M b‖, normalised to unit length (β ≈ 1–1.5), where M_j is column j of M and the
/// second term removes the direction that moves every feature at once (the bias b is the effect of steering
/// "in general"). Apply it like any dense vector: a ← a + α v.</summary>
public static class SaeTsBuilder
{
    public static SteeringVector Build(EffectModel model, int targetFeature, double beta, HookPoint hook, SaeReference sae, string name)
    {
        long m = model.M.shape[1];
        if (targetFeature < 0 || targetFeature >= m) throw new ArgumentException($"target feature {targetFeature} is outside [0, {m})");
        if (!double.IsFinite(beta) || beta < 0) throw new ArgumentException($"β must be a finite number ≥ 0, got {beta}");
        using var scope = NewDisposeScope();
        var column = model.M[.., targetFeature];
        double columnNorm = column.norm().item<float>();
        if (columnNorm == 0) throw new InvalidOperationException($"the effect model predicts no effect on feature {targetFeature}: it cannot be targeted");
        var general = model.M.matmul(model.B);
        double generalNorm = general.norm().item<float>();
        using Scalar columnNormScalar = columnNorm.ToScalar(), betaScalar = beta.ToScalar(), generalNormScalar = generalNorm.ToScalar(), tiny = 1e-12.ToScalar();
        var v = column.div(columnNormScalar);
        if (generalNorm > 0) v = v - general.mul(betaScalar).div(generalNormScalar); // v − β·general/‖general‖
        v = v / v.norm().clamp_min(tiny);
        var predicted = model.Predict(v);
        return new SteeringVector
        {
            Name = name,
            Method = SteeringMethod.SaeTs,
            Hook = hook,
            DModel = (int)v.shape[0],
            Dense = v.data<float>().ToArray(),
            Sae = sae,
            Parameters = new Dictionary<string, object>
            {
                ["target_feature"] = (long)targetFeature,
                ["beta"] = beta,
                ["predicted_target_effect"] = (double)predicted[targetFeature].item<float>(),
                ["effect_model_validation_r2"] = model.ValidationR2,
            },
        };
    }
}
