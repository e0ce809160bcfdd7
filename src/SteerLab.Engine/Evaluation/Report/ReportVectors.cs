using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Builders;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>The report's vectors, built once from each contrast's training activations and kept, so that sections share
/// them (and the meter's cache recognises a point another section already measured). Each vector carries the provenance
/// <see cref="VectorBuildPipeline"/> would give it.</summary>
public sealed class ReportVectors(ReportWorkspace workspace)
{
    readonly Dictionary<string, SteeringVector> built = new(StringComparer.Ordinal);
    readonly Dictionary<string, SasResult> sasResults = new(StringComparer.Ordinal);

    public SteeringVector Caa(ReportContrast contrast) =>
        Memo($"caa|{contrast.Name}", () => CaaBuilder.Build(contrast.Activations, $"{contrast.Name} CAA"), contrast);

    /// <summary>Top-k ENR; k ≥ d_model is the dense CAA vector itself (every coordinate kept).</summary>
    public SteeringVector Enr(ReportContrast contrast, int k) => k >= contrast.Activations.DModel ? Caa(contrast)
        : Memo($"enr|{contrast.Name}|{k}", () => TopKEnrBuilder.Build(contrast.Activations, k, $"{contrast.Name} top-{k} ENR").Vector, contrast);

    public SasResult SasResult(ReportContrast contrast, ReportSae sae, double tau, bool removeCommon)
    {
        string key = $"sas|{contrast.Name}|{sae.Label}|{tau:R}|{removeCommon}";
        if (!sasResults.TryGetValue(key, out var result))
        {
            result = SasBuilder.Build(contrast.Activations, sae.Sae, sae.Reference, new SasOptions { Tau = tau, RemoveCommonFeatures = removeCommon },
                $"{contrast.Name} SAS τ={tau:0.##}{(removeCommon ? "" : " (common kept)")} in {sae.Label}");
            result = result with { Vector = WithProvenance(result.Vector, contrast) };
            sasResults[key] = result;
        }
        return result;
    }

    public SteeringVector Sas(ReportContrast contrast, ReportSae sae, double tau, bool removeCommon) => SasResult(contrast, sae, tau, removeCommon).Vector;

    /// <summary>SAS in the primary SAE with the report's τ and common-feature setting.</summary>
    public SteeringVector Sas(ReportContrast contrast) => Sas(contrast, workspace.PrimarySae, workspace.Settings.SasTau, workspace.Settings.SasRemoveCommonFeatures);

    /// <summary>Remembers a vector built elsewhere (SAE-TS, single features) under a key.</summary>
    public SteeringVector Keep(string key, Func<SteeringVector> build, ReportContrast contrast) => Memo(key, build, contrast);

    SteeringVector Memo(string key, Func<SteeringVector> build, ReportContrast contrast)
    {
        if (!built.TryGetValue(key, out var vector)) built[key] = vector = WithProvenance(build(), contrast);
        return vector;
    }

    SteeringVector WithProvenance(SteeringVector vector, ReportContrast contrast) => vector with
    {
        ModelId = workspace.Loaded.Name,
        ModelRevision = workspace.Loaded.Identity,
        Dataset = contrast.Train.Reference,
        Behaviour = contrast.Name,
        CreatedBy = "steerlab report",
    };

    /// <summary>The same direction scaled to unit L2 norm (dense vectors only).</summary>
    public static SteeringVector UnitNorm(SteeringVector vector)
    {
        if (vector.Dense is null) throw new ArgumentException($"'{vector.Name}' is sparse; only dense vectors are normalised");
        double norm = vector.L2Norm;
        if (norm == 0) throw new ArgumentException($"'{vector.Name}' is the zero vector");
        return vector with { Id = vector.Id + "-unit", Dense = vector.Dense.Select(v => (float)(v / norm)).ToArray() };
    }
}
