using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Builders;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Steering;

public class BuildersTests
{
    static readonly HookPoint Hook = new(1, HookKind.ResidPost);

    static ContrastiveActivations Activations(float[,] positive, float[,] negative) =>
        new(tensor(positive), tensor(negative), Hook, ReadPosition.AnswerToken);

    static void Close(double[] expected, IReadOnlyList<float> actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }

    // Positive rows (n⁺ = 3)      Negative rows (n⁻ = 2)
    //   [1, 0, 0]                   [0,  1, 0]
    //   [3, 0, 4]                   [2, -1, 4]
    //   [2, 0, 8]
    // mean⁺ = [2, 0, 4]             mean⁻ = [1, 0, 2]
    // var⁺ (n−1) = [1, 0, 16]       var⁻ (n−1) = [2, 2, 8]
    // v = [1, 0, 2]
    // ENR₀ = 1 / sqrt(1/3 + 2/2)  = 1 / sqrt(4/3)  = 0.8660254
    // ENR₁ = 0 / sqrt(0/3 + 2/2)  = 0
    // ENR₂ = 2 / sqrt(16/3 + 8/2) = 2 / sqrt(28/3) = 0.6546537
    static ContrastiveActivations HandMade() => Activations(
        new float[,] { { 1, 0, 0 }, { 3, 0, 4 }, { 2, 0, 8 } },
        new float[,] { { 0, 1, 0 }, { 2, -1, 4 } });

    [Fact]
    public void Caa_IsTheDifferenceOfSideMeans()
    {
        using var activations = HandMade();
        var vector = CaaBuilder.Build(activations, "test");
        Assert.Equal(SteeringMethod.Caa, vector.Method);
        Assert.Equal(Hook, vector.Hook);
        Assert.Equal(3, vector.DModel);
        Assert.Null(vector.Sparse);
        Close([1, 0, 2], vector.Dense!);
        Assert.Equal("answer_token", vector.Parameters["read_position"]);
        Assert.Equal(3, vector.Parameters["positive_count"]);
        Assert.Equal(2, vector.Parameters["negative_count"]);
    }

    [Fact]
    public void Enr_UsesUnbiasedVariances_AndRanksByEffectToNoiseNotByMagnitude()
    {
        using var activations = HandMade();
        var enr = TopKEnrBuilder.EffectToNoise(activations);
        Assert.Equal(1 / Math.Sqrt(4.0 / 3), enr[0], 6);
        Assert.Equal(0, enr[1], 12);
        Assert.Equal(2 / Math.Sqrt(28.0 / 3), enr[2], 6);

        // |v₂| = 2 is the largest entry, but coordinate 0 has the larger ENR.
        var top1 = TopKEnrBuilder.Build(activations, k: 1);
        Close([1, 0, 0], top1.Vector.Dense!);
        Assert.Equal([0], top1.KeptIndices);
        Assert.Equal(SteeringMethod.TopKEnr, top1.Vector.Method);
        Assert.Equal(1, top1.Vector.Parameters["k"]);

        var top2 = TopKEnrBuilder.Build(activations, k: 2);
        Close([1, 0, 2], top2.Vector.Dense!);
        Assert.Equal([0, 2], top2.KeptIndices);

        // k = d keeps everything: CAA.
        Close([1, 0, 2], TopKEnrBuilder.Build(activations, k: 3).Vector.Dense!);
    }

    [Fact]
    public void Enr_WithOneExamplePerSide_RanksNoiselessCoordinatesByMagnitude()
    {
        // n⁺ = n⁻ = 1: no variance estimate, every non-zero difference is "noise-free"; v = [1, 3, 0].
        using var activations = Activations(new float[,] { { 1, 5, 7 } }, new float[,] { { 0, 2, 7 } });
        var result = TopKEnrBuilder.Build(activations, k: 1);
        Close([0, 3, 0], result.Vector.Dense!);
        Assert.All(result.Enr, e => Assert.True(double.IsFinite(e)));
        Assert.Equal(0, result.Enr[2]);
        Assert.True(result.Enr[1] > result.Enr[0] && result.Enr[0] > 1e5);
        Assert.Throws<ArgumentOutOfRangeException>(() => TopKEnrBuilder.Build(activations, k: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => TopKEnrBuilder.Build(activations, k: 0));
    }

    [Fact]
    public void Builders_RejectMismatchedOrEmptySides()
    {
        using var mismatched = Activations(new float[,] { { 1, 2 } }, new float[,] { { 1, 2, 3 } });
        Assert.Throws<ArgumentException>(() => CaaBuilder.Build(mismatched));
        using var empty = new ContrastiveActivations(zeros(0, 3), ones(2, 3), Hook, ReadPosition.AnswerToken);
        Assert.Throws<ArgumentException>(() => CaaBuilder.Build(empty));
        using var nan = Activations(new float[,] { { float.NaN, 2 } }, new float[,] { { 1, 2 } });
        Assert.Throws<ArgumentException>(() => CaaBuilder.Build(nan));
    }

    // ---- SAS on a hand-made SAE -------------------------------------------------------------------------
    // ReLU SAE, d = 3, m = 5, no biases, b_dec not subtracted. W_enc columns (features):
    //   f₀ = relu(x₀)   f₁ = relu(x₁)   f₂ = relu(x₂)   f₃ = relu(−x₀)   f₄ = relu(−x₂)
    static SparseAutoencoder HandMadeSae()
    {
        var wEnc = tensor(new float[,]
        {
            { 1, 0, 0, -1,  0 },
            { 0, 1, 0,  0,  0 },
            { 0, 0, 1,  0, -1 },
        });
        var config = new SaeConfig { DIn = 3, DSae = 5, Activation = SaeActivation.Relu, ApplyBDecToInput = false, Source = "hand-made", Hook = Hook };
        return new SparseAutoencoder(config, wEnc, wEnc.t().contiguous(), zeros(5), zeros(3));
    }

    static readonly SaeReference SaeRef = new("test", "hand-made", 5, null);

    // Six examples per side, with their codes [f₀ f₁ f₂ f₃ f₄]:
    //   positive x           codes                negative x          codes
    //   ( 1,  2,  1)   →  [1, 2, 1, 0, 0]         (-1,  1, -1)  →  [0, 1, 0, 1, 1]
    //   ( 2,  1,  2)   →  [2, 1, 2, 0, 0]         (-2,  2, -2)  →  [0, 2, 0, 2, 2]
    //   ( 1,  1,  1)   →  [1, 1, 1, 0, 0]         (-1,  1,  1)  →  [0, 1, 1, 1, 0]
    //   ( 2,  2,  3)   →  [2, 2, 3, 0, 0]         (-2,  1, -1)  →  [0, 1, 0, 2, 1]
    //   ( 3,  1,  2)   →  [3, 1, 2, 0, 0]         (-1, -1, -2)  →  [0, 0, 0, 1, 2]
    //   ( 1,  1, -1)   →  [1, 1, 0, 0, 1]         (-3,  2,  1)  →  [0, 2, 1, 3, 0]
    // active counts         [6, 6, 5, 0, 1]                          [0, 5, 2, 6, 4]
    // sums                  [10, 8, 9, 0, 1]                         [0, 7, 2, 10, 6]
    // frequencies           [1, 1, 5/6, 0, 1/6]                      [0, 5/6, 1/3, 1, 2/3]
    static ContrastiveActivations SixPerSide() => Activations(
        new float[,] { { 1, 2, 1 }, { 2, 1, 2 }, { 1, 1, 1 }, { 2, 2, 3 }, { 3, 1, 2 }, { 1, 1, -1 } },
        new float[,] { { -1, 1, -1 }, { -2, 2, -2 }, { -1, 1, 1 }, { -2, 1, -1 }, { -1, -1, -2 }, { -3, 2, 1 } });

    [Fact]
    public void Sas_FiltersByFrequency_RemovesCommonFeatures_AndSubtractsMeans()
    {
        using var sae = HandMadeSae();
        using var activations = SixPerSide();
        // τ = 0.7: a feature needs ⌈0.7·6⌉ = 5 active samples.
        //   positive keeps {0, 1, 2}: m⁺ = [10/6, 8/6, 9/6, 0, 0]
        //   negative keeps {1, 3}:    m⁻ = [0, 7/6, 0, 10/6, 0]
        //   common (both > 0): {1} → removed from both
        //   v = m⁺ − m⁻ = [5/3, 0, 3/2, −5/3, 0] → indices {0, 2, 3}
        var result = SasBuilder.Build(activations, sae, SaeRef, new SasOptions { Tau = 0.7 });

        Close([1, 1, 5.0 / 6, 0, 1.0 / 6], result.Positive.Frequency);
        Close([0, 5.0 / 6, 1.0 / 3, 1, 4.0 / 6], result.Negative.Frequency);
        Assert.Equal(5, result.Positive.MinActiveCount);
        Assert.Equal([0, 1, 2], result.Positive.KeptFeatures);
        Assert.Equal([1, 3], result.Negative.KeptFeatures);
        Close([10.0 / 6, 8.0 / 6, 9.0 / 6, 0, 0], result.Positive.FilteredMean);
        Close([0, 7.0 / 6, 0, 10.0 / 6, 0], result.Negative.FilteredMean);
        Assert.Equal([1], result.CommonFeatures);
        Assert.Equal(1, result.RemovedCommonCount);

        var vector = result.Vector;
        Assert.Equal(SteeringMethod.Sas, vector.Method);
        Assert.Null(vector.Dense);
        Assert.Equal(SaeRef, vector.Sae);
        Assert.Equal(3, vector.DModel);
        Assert.Equal(5, vector.Sparse!.Width);
        Assert.Equal([0, 2, 3], vector.Sparse.Indices);
        Close([5.0 / 3, 3.0 / 2, -5.0 / 3], vector.Sparse.Values);
        Assert.Equal(0.7, vector.Parameters["tau"]);
        Assert.Equal(true, vector.Parameters["common_feature_removal"]);
    }

    [Fact]
    public void Sas_WithoutCommonRemoval_KeepsTheCommonFeatureAsItsMeanDifference()
    {
        using var sae = HandMadeSae();
        using var activations = SixPerSide();
        // Same filter as τ = 0.7 above; feature 1 now stays: m⁺₁ − m⁻₁ = 8/6 − 7/6 = 1/6.
        var result = SasBuilder.Build(activations, sae, SaeRef, new SasOptions { Tau = 0.7, RemoveCommonFeatures = false });
        Assert.Equal([1], result.CommonFeatures);
        Assert.Equal(0, result.RemovedCommonCount);
        Assert.Equal([0, 1, 2, 3], result.Vector.Sparse!.Indices);
        Close([5.0 / 3, 1.0 / 6, 3.0 / 2, -5.0 / 3], result.Vector.Sparse.Values);
        Assert.Equal(false, result.Vector.Parameters["common_feature_removal"]);
    }

    [Fact]
    public void Sas_HigherTau_LetsFewerFeaturesSurvive()
    {
        using var sae = HandMadeSae();
        using var activations = SixPerSide();
        // τ = 0.9 needs ⌈5.4⌉ = 6 of 6: positive keeps {0, 1}, negative keeps {3}. Feature 1 no longer survives
        // on the negative side, so it is not common any more and appears with m⁺₁ = 8/6.
        //   v = [5/3, 4/3, 0, −5/3, 0]
        var strict = SasBuilder.Build(activations, sae, SaeRef, new SasOptions { Tau = 0.9 });
        Assert.Equal(6, strict.Positive.MinActiveCount);
        Assert.Equal([0, 1], strict.Positive.KeptFeatures);
        Assert.Equal([3], strict.Negative.KeptFeatures);
        Assert.Empty(strict.CommonFeatures);
        Assert.Equal([0, 1, 3], strict.Vector.Sparse!.Indices);
        Close([5.0 / 3, 4.0 / 3, -5.0 / 3], strict.Vector.Sparse.Values);

        // τ = 0.5 needs 3 of 6: negative also keeps feature 4 (4 of 6), m⁻₄ = 1.
        //   v = [5/3, 0, 3/2, −5/3, −1]
        var loose = SasBuilder.Build(activations, sae, SaeRef, new SasOptions { Tau = 0.5 });
        Assert.Equal([1, 3, 4], loose.Negative.KeptFeatures);
        Assert.Equal([0, 2, 3, 4], loose.Vector.Sparse!.Indices);
        Close([5.0 / 3, 3.0 / 2, -5.0 / 3, -1], loose.Vector.Sparse.Values);

        var middle = SasBuilder.Build(activations, sae, SaeRef, new SasOptions { Tau = 0.7 });
        int Survivors(SasResult r) => r.Positive.KeptFeatures.Length + r.Negative.KeptFeatures.Length;
        Assert.True(Survivors(loose) > Survivors(middle) && Survivors(middle) > Survivors(strict));
    }

    [Fact]
    public void Sas_FeatureActiveInExactlyTauOfTheSamples_Survives()
    {
        // 0.7 × 10 = 7.000000000000001 in floating point; a feature active in 7 of 10 samples meets τ = 0.7.
        using var sae = HandMadeSae();
        var positive = new float[10, 3];
        for (int i = 0; i < 10; i++) positive[i, 0] = i < 7 ? 1 : -1; // f₀ active in 7, f₃ in 3
        using var activations = Activations(positive, new float[,] { { 0, 0, 0 } });
        var result = SasBuilder.Build(activations, sae, SaeRef, new SasOptions { Tau = 0.7 });
        Assert.Equal(7, result.Positive.MinActiveCount);
        Assert.Equal([0], result.Positive.KeptFeatures);
        Assert.Equal([0], result.Vector.Sparse!.Indices);
        Close([0.7], result.Vector.Sparse.Values);
    }

    [Fact]
    public void Sas_RejectsAnSaeFromAnotherHookOrWidth()
    {
        using var sae = HandMadeSae();
        using var activations = new ContrastiveActivations(ones(6, 3), ones(6, 3), new HookPoint(2, HookKind.ResidPost), ReadPosition.AnswerToken);
        Assert.Throws<ArgumentException>(() => SasBuilder.Build(activations, sae, SaeRef));
        using var sameHook = SixPerSide();
        Assert.Throws<ArgumentException>(() => SasBuilder.Build(sameHook, sae, SaeRef with { Width = 6 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SasBuilder.Build(sameHook, sae, SaeRef, new SasOptions { Tau = 1.5 }));
    }

    [Fact]
    public void Sas_EncodedInSlices_EqualsOneBatchAndTheDefinition()
    {
        // A slice bound of 1024 codes over m = 512 features means 2 rows per slice: 5 and 4 slices. The result
        // must equal both one single slice and the definition computed directly.
        const int m = 512;
        using var sae = Support.TinySae.Random(8, m, SaeActivation.Relu, seed: 2);
        var generator = new TorchSharp.torch.Generator(7);
        using var activations = new ContrastiveActivations(randn(9, 8, generator: generator) + 1, randn(7, 8, generator: generator) - 1,
            Hook, ReadPosition.AnswerToken);
        var options = new SasOptions { Tau = 0.7 };
        var result = SasBuilder.Build(activations, sae, SaeRef with { Width = m }, options, null, maxCodesPerSlice: 1024);
        var oneSlice = SasBuilder.Build(activations, sae, SaeRef with { Width = m }, options, null, maxCodesPerSlice: long.MaxValue);
        Assert.Equal(oneSlice.Vector.Sparse!.Indices, result.Vector.Sparse!.Indices);
        Close(oneSlice.Vector.Sparse.Values.Select(v => (double)v).ToArray(), result.Vector.Sparse.Values, 1e-6);

        using var codesPlus = sae.Encode(activations.Positive);
        using var codesMinus = sae.Encode(activations.Negative);
        double[] Expected(Tensor codes)
        {
            using var active = codes.gt(0).to(ScalarType.Float64).mean([0]);
            using var mean = codes.to(ScalarType.Float64).mean([0]);
            using var kept = active.ge(Math.Ceiling(0.7 * codes.shape[0] - 1e-9) / codes.shape[0]);
            using var filtered = mean * kept;
            return filtered.data<double>().ToArray();
        }
        var plus = Expected(codesPlus);
        var minus = Expected(codesMinus);
        var dense = result.Vector.Sparse!.ToDense();
        int nonZero = 0, worst = 0;
        double worstDiff = 0;
        for (int j = 0; j < dense.Length; j++)
        {
            bool common = plus[j] > 0 && minus[j] > 0;
            double expected = common ? 0 : plus[j] - minus[j];
            if (expected != 0) nonZero++;
            double diff = Math.Abs(expected - dense[j]);
            if (diff > worstDiff) (worstDiff, worst) = (diff, j);
        }
        Assert.True(worstDiff <= 1e-5, $"feature {worst}: |expected − actual| = {worstDiff}");
        Assert.True(nonZero > 0);
    }
}
