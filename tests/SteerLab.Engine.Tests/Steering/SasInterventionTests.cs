using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Steering;

public class SasInterventionTests
{
    static SparseValues RandomSparse(int width, int support, int seed)
    {
        var random = new Random(seed);
        var indices = Enumerable.Range(0, width).OrderBy(_ => random.Next()).Take(support).OrderBy(i => i).ToArray();
        // Mixed signs and magnitudes: large negative values clip features to zero through σ.
        var values = indices.Select(_ => (float)((random.NextDouble() - 0.4) * 4)).ToArray();
        return new SparseValues(indices, values, width);
    }

    [Theory]
    [InlineData(SaeActivation.Relu, SaeNormalization.None, true)]
    [InlineData(SaeActivation.Relu, SaeNormalization.ConstantNormRescale, false)]
    [InlineData(SaeActivation.JumpRelu, SaeNormalization.None, false)]
    [InlineData(SaeActivation.JumpRelu, SaeNormalization.LayerNorm, true)]
    [InlineData(SaeActivation.JumpRelu, SaeNormalization.DatasetScale, true)]
    public void FastPath_EqualsFullPath_ForPositiveAndNegativeLambda(SaeActivation activation, SaeNormalization normalization, bool applyBDec)
    {
        using var sae = TinySae.Random(48, 384, activation, seed: 3, applyBDec: applyBDec, normalization: normalization, thresholdScale: 0.3);
        using var activations = randn(4, 7, 48, generator: new TorchSharp.torch.Generator(9)) * 2;
        var vector = RandomSparse(384, 40, seed: 5);
        int clipped = 0;
        foreach (double lambda in new[] { -8.0, -2.0, -0.5, 0.5, 2.0, 8.0 })
        {
            var scaled = new SparseValues(vector.Indices, vector.Values.Select(v => (float)(lambda * v)).ToArray(), vector.Width);
            using var edit = new SasIntervention(sae, scaled);
            Assert.True(edit.UsesFastPath);
            using var fast = edit.FastPath(activations);
            using var full = edit.FullPath(activations);
            Assert.True(TensorAssert.MaxAbsDiff(fast, full) <= 1e-5, $"λ={lambda}: max diff {TensorAssert.MaxAbsDiff(fast, full)}");
            Assert.True(TensorAssert.MaxAbsDiff(fast, activations) > 1e-3, $"λ={lambda}: nothing changed");
            // Count features that σ clips: c_j + λv_j pushed below zero / below the threshold.
            using var codes = sae.Encode(activations);
            using var delta = tensor(scaled.ToDense());
            using var pushed = codes + delta;
            using var steered = sae.Activate(pushed);
            clipped += (int)steered.eq(0).logical_and(pushed.ne(0)).sum().item<long>();
        }
        Assert.True(clipped > 0, "no feature was clipped by σ; the test would not cover clipping");
    }

    [Theory]
    [InlineData(SaeActivation.Relu)]
    [InlineData(SaeActivation.JumpRelu)]
    [InlineData(SaeActivation.TopK)]
    public void LambdaZero_ReturnsTheActivationExactly(SaeActivation activation)
    {
        using var sae = TinySae.Random(16, 64, activation, seed: 1, k: 8);
        using var activations = randn(2, 5, 16, generator: new TorchSharp.torch.Generator(2));
        var zero = new SparseValues([3, 10], [0f, 0f], 64);
        using var edit = new SasIntervention(sae, zero);
        using var result = edit.Apply(activations, null!);
        Assert.True(activations.data<float>().ToArray().SequenceEqual(result.data<float>().ToArray()));
    }

    [Fact]
    public void TopKSaes_UseTheFullPath()
    {
        using var sae = TinySae.Random(16, 64, SaeActivation.TopK, seed: 1, k: 8);
        using var edit = new SasIntervention(sae, new SparseValues([3], [1f], 64));
        Assert.False(edit.UsesFastPath);
    }

    [Fact]
    public void WithoutDeltaCorrection_TheOutputIsTheReconstructionOfTheEditedCode()
    {
        using var sae = TinySae.Random(16, 64, SaeActivation.Relu, seed: 4);
        using var activations = randn(3, 16, generator: new TorchSharp.torch.Generator(5));
        using var edit = new SasIntervention(sae, new SparseValues([1, 2], [0f, 0f], 64), useDeltaCorrection: false);
        Assert.False(edit.UsesFastPath);
        using var result = edit.Apply(activations, null!);
        using var reconstruction = sae.Reconstruct(activations);
        Assert.True(TensorAssert.MaxAbsDiff(result, reconstruction) < 1e-6);
    }

    [Fact]
    public void ComposedVectorsAtOneHook_EqualOneEditWithTheSummedVector()
    {
        using var sae = TinySae.Random(16, 64, SaeActivation.JumpRelu, seed: 8);
        var reference = new SaeReference("test", "tiny", 64, null);
        var hook = new HookPoint(0, HookKind.ResidPost);
        SteeringVector Sparse(int[] idx, float[] val) => new() { Name = "v", Method = SteeringMethod.Sas, Hook = hook, DModel = 16, Sparse = new SparseValues(idx, val, 64), Sae = reference };
        var a = Sparse([1, 5, 9], [1f, -2f, 0.5f]);
        var b = Sparse([5, 20], [1f, 3f]);
        using var activations = randn(2, 3, 16, generator: new TorchSharp.torch.Generator(3));
        using var composed = new SteeringPlan([new(a, 2.0), new(b, -1.5)], _ => sae, PositionScope.All);
        var summed = new SparseValues([1, 5, 9, 20], [2f, -4f - 1.5f, 1f, -4.5f], 64);
        using var single = new SasIntervention(sae, summed);
        using var expected = single.Apply(activations, null!);
        Tensor? actual = null;
        var tokens = new TokenPositions(zeros(2, 3, ScalarType.Int64) + arange(3), [3, 3], [0, 0], [2, 2]);
        actual = composed.Hooks.Run(hook, activations, tokens, isPrefill: true);
        Assert.True(TensorAssert.MaxAbsDiff(expected, actual) < 1e-6);
    }
}
