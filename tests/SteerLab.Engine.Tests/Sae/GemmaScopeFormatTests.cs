using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Tests.Support;
using static SteerLab.Engine.Tests.Sae.NpyTestFiles;
using static SteerLab.Engine.Tests.Sae.SaeTestFolders;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Sae;

/// <summary>Gemma Scope params.npz: a JumpReLU SAE whose encode/decode match values computed by hand, whose
/// layer comes from the release layout, and whose malformed archives are refused naming file and entry.</summary>
public sealed class GemmaScopeFormatTests : IDisposable
{
    const string ReleasePath = "gemma-scope-2b-pt-res/layer_3/width_16k/average_l0_71/params.npz";
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-gemmascope-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // W_enc = [[1, 0, −1], [0, 2, 1]], b_enc = [0.5, −1, 0], threshold = [1, 1, 0.25],
    // W_dec = [[1, 0], [0, 1], [1, 1]], b_dec = [1, −1] (never subtracted from the input in Gemma Scope).
    //
    // x = [1, 1]:             pre = [1 + 0.5, 2 − 1, −1 + 1] = [1.5, 1, 0]
    //                         gates pre > θ: 1.5 > 1 yes; 1 > 1 no (equal is off); 0 > 0.25 no → f = [1.5, 0, 0]
    //                         x̂ = 1.5·[1, 0] + [1, −1] = [2.5, −1]
    //                         (had b_dec been subtracted: x − b_dec = [0, 2] → pre = [0.5, 3, 2] → f = [0, 3, 2])
    // x = [1, 1 + 2⁻¹¹]:      pre₁ = 2(1 + 2⁻¹¹) − 1 = 1 + 2⁻¹⁰, just above θ₁ = 1 → f = [1.5, 1 + 2⁻¹⁰, 0]
    //                         (pre₂ = 2⁻¹¹ < 0.25) → x̂ = [1.5 + 1, 1 + 2⁻¹⁰ − 1] = [2.5, 2⁻¹⁰]
    // x = [1, 1 − 2⁻¹¹]:      pre₁ = 1 − 2⁻¹⁰, just below θ₁ → f = [1.5, 0, 0], x̂ = [2.5, −1]
    const float Delta = 1f / 2048;
    static readonly float[] Inputs = [1, 1, 1, 1 + Delta, 1, 1 - Delta];
    static readonly float[] ExpectedCodes = [1.5f, 0, 0, 1.5f, 1 + 2 * Delta, 0, 1.5f, 0, 0];
    static readonly float[] ExpectedReconstructions = [2.5f, -1, 2.5f, 2 * Delta, 2.5f, -1];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JumpRelu_EncodesAndDecodesHandComputedValues_ThresholdIsStrict(bool compressed)
    {
        string path = WriteGemmaScope(folder, ReleasePath, GemmaScopeArrays(), compressed);
        using var sae = GemmaScopeFormat.Load(path);
        Assert.Equal(SaeActivation.JumpRelu, sae.Config.Activation);
        Assert.False(sae.Config.ApplyBDecToInput);
        Assert.Equal((2, 3), (sae.DIn, sae.DSae));
        using var x = tensor(Inputs).reshape(3, 2);
        using var codes = sae.Encode(x);
        using var reconstruction = sae.Reconstruct(x);
        TensorAssert.Close(ExpectedCodes, codes, 0, "codes");
        TensorAssert.Close(ExpectedReconstructions, reconstruction, 0, "reconstruction");
    }

    [Fact]
    public void Layer_ComesFromTheReleaseLayout()
    {
        Assert.Equal(new HookPoint(3, HookKind.ResidPost), GemmaScopeFormat.InferHook(Path.Combine(folder, ReleasePath)));
        Assert.Equal(new HookPoint(20, HookKind.ResidPost), GemmaScopeFormat.InferHook("/hf/models--google--gemma-scope-9b-it-res/snapshots/abc/layer_20/width_131k/average_l0_81/params.npz"));
        Assert.Equal(new HookPoint(7, HookKind.MlpOut), GemmaScopeFormat.InferHook("/sae/gemma-scope-2b-pt-mlp/layer_7/width_16k/average_l0_70/params.npz"));
        Assert.Null(GemmaScopeFormat.InferHook("/sae/gemma-scope-2b-pt-att/layer_7/width_16k/average_l0_70/params.npz"));
        Assert.Null(GemmaScopeFormat.InferHook("/sae/gemma-scope-2b-pt-transcoders/layer_7/width_16k/average_l0_70/params.npz"));
        Assert.Null(GemmaScopeFormat.InferHook("/sae/my-sae/params.npz"));

        using var sae = GemmaScopeFormat.Load(WriteGemmaScope(folder, ReleasePath, GemmaScopeArrays()));
        Assert.Equal("blocks.3.hook_resid_post", sae.Config.Hook?.Name);
        var elsewhere = WriteGemmaScope(folder, "loose/params.npz", GemmaScopeArrays());
        using var loose = GemmaScopeFormat.Load(elsewhere);
        Assert.Null(loose.Config.Hook);
    }

    [Fact]
    public void MissingArray_IsRefusedNamingTheFileAndTheArray()
    {
        string path = WriteGemmaScope(folder, ReleasePath, GemmaScopeArrays().Where(a => a.Name != "W_enc"));
        var error = Assert.Throws<SaeFormatException>(() => GemmaScopeFormat.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("missing array 'W_enc'", error.Message);
    }

    [Fact]
    public void TransposedDecoder_IsRefusedNamingTheEntryAndTheExpectedShape()
    {
        var arrays = GemmaScopeArrays();
        arrays[1] = ("W_dec", Float32([2, 3], WDec));   // [d, m] instead of [m, d]
        string path = WriteGemmaScope(folder, ReleasePath, arrays);
        var error = Assert.Throws<SaeFormatException>(() => GemmaScopeFormat.Load(path));
        Assert.Contains($"{path} (entry W_dec.npy)", error.Message);
        Assert.Contains("W_dec has shape [2, 3], expected [3, 2]", error.Message);
        Assert.Contains("transposed", error.Message);
    }

    [Theory]
    [InlineData("b_enc", "[2]")]
    [InlineData("threshold", "[4]")]
    public void WrongVectorLength_IsRefused(string name, string shapeText)
    {
        var arrays = GemmaScopeArrays();
        int index = arrays.FindIndex(a => a.Name == name);
        long length = long.Parse(shapeText.Trim('[', ']'));
        arrays[index] = (name, Float32([length], new float[length]));
        string path = WriteGemmaScope(folder, ReleasePath, arrays);
        var error = Assert.Throws<SaeFormatException>(() => GemmaScopeFormat.Load(path));
        Assert.Contains($"{name} has shape {shapeText}, expected [3]", error.Message);
    }

    [Fact]
    public void EncoderThatIsNotAMatrix_IsRefused()
    {
        var arrays = GemmaScopeArrays();
        arrays[0] = ("W_enc", Float32([6], WEnc));
        var error = Assert.Throws<SaeFormatException>(() => GemmaScopeFormat.Load(WriteGemmaScope(folder, ReleasePath, arrays)));
        Assert.Contains("W_enc must be a matrix", error.Message);
    }

    /// <summary>Decision: NaN/Inf weights are refused at load (they would turn every code they touch into NaN).</summary>
    [Fact]
    public void NonFiniteWeights_AreRefused()
    {
        var arrays = GemmaScopeArrays();
        arrays[1] = ("W_dec", Float32([3, 2], 1, 0, float.NaN, 1, 1, 1));
        string path = WriteGemmaScope(folder, ReleasePath, arrays);
        var error = Assert.Throws<SaeFormatException>(() => GemmaScopeFormat.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("W_dec contains 1 non-finite value (NaN or ±Inf)", error.Message);
    }

    [Fact]
    public void SizeLimit_IsAppliedBeforeReadingWeights()
    {
        string path = WriteGemmaScope(folder, ReleasePath, GemmaScopeArrays());
        var error = Assert.Throws<SaeFormatException>(() => GemmaScopeFormat.Load(path, maxBytes: 40));
        Assert.Contains("over the 40-byte limit", error.Message);
    }
}
