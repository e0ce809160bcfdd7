using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.Builders;

/// <summary>SAS knobs. τ defaults to 0.7, the permissive end of the paper's range [0.7, 0.9]: contrastive
/// datasets in this tool are often small (tens of pairs), where 0.9 leaves few or no features; raise it to
/// trade support size for specificity.</summary>
public sealed record SasOptions
{
    /// <summary>Minimum fraction of a side's samples in which a feature must be active (&gt; 0) to be kept on that side.</summary>
    public double Tau { get; init; } = 0.7;
    /// <summary>Zero features whose filtered mean is positive on both sides (step 4).</summary>
    public bool RemoveCommonFeatures { get; init; } = true;
}

/// <summary>One side's intermediate quantities over all m features: the fraction of samples in which each
/// feature is active, how many active samples the filter required, the features that passed, and the mean of
/// the filtered codes (0 for filtered-out features; before common-feature removal).</summary>
public sealed record SasSide(int Count, float[] Frequency, int MinActiveCount, int[] KeptFeatures, float[] FilteredMean);

/// <summary>The SAS vector and how it came about (the UI shows all of it). <see cref="CommonFeatures"/> are the
/// features kept on both sides, listed whether or not removal was on; <see cref="RemovedCommonCount"/> is how
/// many were actually removed.</summary>
public sealed record SasResult(SteeringVector Vector, SasSide Positive, SasSide Negative, int[] CommonFeatures, SasOptions Options)
{
    public int RemovedCommonCount => Options.RemoveCommonFeatures ? CommonFeatures.Length : 0;
}

/// <summary>Sparse activation steering vectors (Bayat et al. 2025, arXiv 2503.00177; DESIGN §5), exactly:
/// 1. F⁺ = f(h⁺), F⁻ = f(h⁻) per sample with the SAE's own encoder;
/// 2. on each side keep feature j only if it is active (&gt; 0) in at least a fraction τ of that side's samples,
///    zero it otherwise;
/// 3. m⁺, m⁻ = means of the filtered codes over all of that side's samples;
/// 4. (toggle) where m⁺_j &gt; 0 and m⁻_j &gt; 0, zero j on both sides;
/// 5. v = m⁺ − m⁻, stored sparse (positive entries reinforce, negative ones suppress).</summary>
public static class SasBuilder
{
    /// <summary>Upper bound on codes materialised at once (rows × m), so wide SAEs (1M features) over many
    /// samples are encoded in slices instead of one [n, m] matrix.</summary>
    const long MaxCodesPerSlice = 1 << 22;

    public static SasResult Build(ContrastiveActivations activations, SparseAutoencoder sae, SaeReference saeReference,
        SasOptions? options = null, string? name = null) =>
        Build(activations, sae, saeReference, options, name, MaxCodesPerSlice);

    /// <param name="maxCodesPerSlice">The slice bound (tests make it small to exercise slicing cheaply).</param>
    internal static SasResult Build(ContrastiveActivations activations, SparseAutoencoder sae, SaeReference saeReference,
        SasOptions? options, string? name, long maxCodesPerSlice)
    {
        options ??= new SasOptions();
        SideStatistics.Validate(activations);
        ArgumentNullException.ThrowIfNull(sae);
        ArgumentNullException.ThrowIfNull(saeReference);
        if (!double.IsFinite(options.Tau) || options.Tau < 0 || options.Tau > 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Tau, "τ must be a fraction in [0, 1]");
        if (activations.DModel != sae.DIn)
            throw new ArgumentException($"activations have d = {activations.DModel} but the SAE reads d_in = {sae.DIn}");
        if (sae.Config.Hook is HookPoint saeHook && saeHook != activations.Hook)
            throw new ArgumentException($"the activations were read at {activations.Hook.Name} but the SAE was trained on {saeHook.Name}");
        if (saeReference.Width != sae.DSae)
            throw new ArgumentException($"the SAE reference says width {saeReference.Width} but the SAE has {sae.DSae} features");

        var positive = FilteredSide(activations.Positive, sae, options.Tau, maxCodesPerSlice);
        var negative = FilteredSide(activations.Negative, sae, options.Tau, maxCodesPerSlice);

        int m = sae.DSae;
        var common = Enumerable.Range(0, m).Where(j => positive.Mean[j] > 0 && negative.Mean[j] > 0).ToArray();
        var plus = (double[])positive.Mean.Clone();
        var minus = (double[])negative.Mean.Clone();
        if (options.RemoveCommonFeatures)
            foreach (int j in common) plus[j] = minus[j] = 0;

        var difference = new float[m];
        for (int j = 0; j < m; j++) difference[j] = (float)(plus[j] - minus[j]);

        var parameters = VectorParameters.Common(activations);
        parameters[VectorParameters.Tau] = options.Tau;
        parameters[VectorParameters.CommonFeatureRemoval] = options.RemoveCommonFeatures;
        var vector = new SteeringVector
        {
            Name = name ?? $"SAS τ={options.Tau:0.##} @ {activations.Hook.Name}",
            Method = SteeringMethod.Sas,
            Parameters = parameters,
            Hook = activations.Hook,
            DModel = activations.DModel,
            Sparse = SparseValues.FromDense(difference),
            Sae = saeReference,
        };
        return new SasResult(vector, positive.Side, negative.Side, common, options);
    }

    sealed record Filtered(SasSide Side, double[] Mean);

    /// <summary>Steps 1–3 for one side: encode, count active samples and sum codes per feature (in slices),
    /// keep features active in ≥ ⌈τn⌉ samples, and average their codes over all n samples.</summary>
    static Filtered FilteredSide(Tensor rows, SparseAutoencoder sae, double tau, long maxCodesPerSlice)
    {
        int n = (int)rows.shape[0], m = sae.DSae;
        var activeCounts = new long[m];
        var sums = new double[m];
        int sliceRows = (int)Math.Clamp(maxCodesPerSlice / m, 1, n);
        for (int start = 0; start < n; start += sliceRows)
        {
            using var scope = NewDisposeScope();
            var slice = rows.narrow(0, start, Math.Min(sliceRows, n - start)).to(ScalarType.Float32, sae.WEnc.device);
            var codes = sae.Encode(slice);                                       // [rows, m], non-negative
            var counts = codes.gt(TorchScalars.Zero).sum(dim: 0L, type: ScalarType.Int64).cpu().data<long>().ToArray();
            // Per-slice sums in float32 (at most a few thousand rows each), accumulated across slices in float64.
            var sliceSums = codes.sum(dim: 0L).to(ScalarType.Float64).cpu().data<double>().ToArray();
            for (int j = 0; j < m; j++) { activeCounts[j] += counts[j]; sums[j] += sliceSums[j]; }
        }

        // ⌈τn⌉ with a tolerance: 0.7 × 10 is 7.000000000000001 in binary floating point, and a feature active in
        // exactly 7 of 10 samples meets τ = 0.7.
        int minActive = (int)Math.Ceiling(tau * n - 1e-9);
        var mean = new double[m];
        var frequency = new float[m];
        var kept = new List<int>();
        for (int j = 0; j < m; j++)
        {
            frequency[j] = (float)((double)activeCounts[j] / n);
            if (activeCounts[j] < minActive) continue;
            kept.Add(j);
            mean[j] = sums[j] / n;
        }
        return new Filtered(new SasSide(n, frequency, minActive, kept.ToArray(), mean.Select(v => (float)v).ToArray()), mean);
    }
}
