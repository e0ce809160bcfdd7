using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Tests.Support;
using static SteerLab.Engine.Tests.Sae.SaeTestFolders;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Sae;

/// <summary>Llama Scope folders: bf16 torch-Linear weights are transposed into W_enc/W_dec, the scalar
/// JumpReLU threshold is broadcast, the dataset-wide input/output norms are applied, and decoder row norms are
/// folded as lm-saes's sparsity_include_decoder_norm requires, all checked against values computed by hand.</summary>
public sealed class LlamaScopeFormatTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-llamascope-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // d_model = 4, d_sae = 3. Stored as torch Linear weights (all exactly representable in bf16):
    // encoder.weight [3, 4] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]]   → W_enc = its transpose [4, 3]
    // decoder.weight [4, 3] = [[d₀, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]] → W_dec rows [d₀,0,0,0], [0,1,0,0], [0,0,1,0]
    // encoder.bias = [0, −0.5, 0], decoder.bias = [0.5, 0, 0, 0], jump_relu_threshold 0.5,
    // dataset_average_activation_norm in = 1, out = 4: inputs × √4/1 = 2 before encoding, outputs × 4/√4 = 2 after.
    static List<(string, long[], float[])> Weights(float decoderRow0Norm = 1) =>
    [
        ("encoder.weight", [3, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1]),
        ("decoder.weight", [4, 3], [decoderRow0Norm, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
        ("encoder.bias", [3], [0, -0.5f, 0]),
        ("decoder.bias", [4], [0.5f, 0, 0, 0]),
    ];

    static Dictionary<string, object?> Hyperparams(string actFn = "jumprelu", bool includeDecoderNorm = true, string hookOut = "blocks.3.hook_resid_post") => new()
    {
        ["d_model"] = 4,
        ["d_sae"] = 3,
        ["expansion_factor"] = 1,
        ["hook_point_in"] = "blocks.3.hook_resid_post",
        ["hook_point_out"] = hookOut,
        ["act_fn"] = actFn,
        ["jump_relu_threshold"] = 0.5,
        ["norm_activation"] = "dataset-wise",
        ["dataset_average_activation_norm"] = new Dictionary<string, double> { ["in"] = 1, ["out"] = 4 },
        ["top_k"] = 1,
        ["use_decoder_bias"] = true,
        ["apply_decoder_bias_to_pre_encoder"] = false,
        ["sparsity_include_decoder_norm"] = includeDecoderNorm,
    };

    static (float[] Codes, float[] Reconstruction) Run(SparseAutoencoder sae, params float[] x)
    {
        using var input = tensor(x).reshape(-1, sae.DIn);
        using var codes = sae.Encode(input);
        using var reconstruction = sae.Reconstruct(input);
        return (codes.data<float>().ToArray(), reconstruction.data<float>().ToArray());
    }

    // x = [1, 0.25, 0.25, −0.5] → 2x = [2, 0.5, 0.5, −1] → pre = [2, 0.5 − 0.5, 0.5 − 1] = [2, 0, −0.5]
    //   θ = 0.5 → f = [2, 0, 0]; decode [2, 0, 0, 0] + [0.5, 0, 0, 0] = [2.5, 0, 0, 0] → × 2 = [5, 0, 0, 0]
    //   (without the dataset scaling pre would be [1, −0.25, −0.25] and f = [1, 0, 0])
    // x = [1, 0.515625, 0, 0] → 2x₁ = 1.03125 → pre₁ = 0.53125, just above θ → f = [2, 0.53125, 0]
    //   → ([2, 0.53125, 0, 0] + b) × 2 = [5, 1.0625, 0, 0]
    // x = [1, 0.484375, 0, 0] → pre₁ = 0.46875, just below θ → f = [2, 0, 0] → [5, 0, 0, 0]
    [Fact]
    public void Bf16TransposedWeights_DatasetScaling_AndScalarThreshold_MatchHandComputedValues()
    {
        string path = WriteLlamaScope(Path.Combine(folder, "L3R"), Hyperparams(), Weights());
        using var sae = LlamaScopeFormat.Load(path);
        Assert.Equal((4, 3, SaeActivation.JumpRelu), (sae.DIn, sae.DSae, sae.Config.Activation));
        Assert.Equal((SaeNormalization.DatasetScale, 1.0, 4.0), (sae.Config.Normalization, sae.Config.DatasetInputNorm, sae.Config.DatasetOutputNorm));
        Assert.False(sae.Config.ApplyBDecToInput);
        Assert.Equal(new HookPoint(3, HookKind.ResidPost), sae.Config.Hook);
        TensorAssert.Close([0.5f, 0.5f, 0.5f], sae.Threshold!, 0, "threshold broadcast to [d_sae]");
        TensorAssert.Close([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1], sae.WEnc, 0, "W_enc = encoder.weightᵀ");

        var (codes, reconstruction) = Run(sae, 1, 0.25f, 0.25f, -0.5f, 1, 0.515625f, 0, 0, 1, 0.484375f, 0, 0);
        Assert.Equal([2, 0, 0, 2, 0.53125f, 0, 2, 0, 0], codes);
        Assert.Equal([5, 0, 0, 0, 5, 1.0625f, 0, 0, 5, 0, 0, 0], reconstruction);
    }

    // Decoder row 0 with norm 2 and sparsity_include_decoder_norm: lm-saes gates on pre·‖row‖ and divides the code
    // back. x = [0.1875, 0, 0, 0] → 2x₀ = 0.375 = pre₀; gate 0.375·2 = 0.75 > 0.5 → active.
    // Folded: W_enc column 0 × 2 → code 0.75; W_dec row 0 ÷ 2 = [1, 0, 0, 0] → x̂ = ([0.75, 0, 0, 0] + b) × 2 = [2.5, 0, 0, 0]
    // (= lm-saes: code 0.375 × row [2, 0, 0, 0] = 0.75). Without the flag the gate sees 0.375 < 0.5: f = 0, x̂ = [1, 0, 0, 0].
    [Theory]
    [InlineData(true, 0.75f, 2.5f)]
    [InlineData(false, 0f, 1f)]
    public void DecoderNorms_AreFoldedWhenSparsityIncludesThem(bool includeDecoderNorm, float expectedCode, float expectedX0)
    {
        string path = WriteLlamaScope(Path.Combine(folder, $"norm-{includeDecoderNorm}"), Hyperparams(includeDecoderNorm: includeDecoderNorm), Weights(decoderRow0Norm: 2));
        using var sae = LlamaScopeFormat.Load(path);
        var (codes, reconstruction) = Run(sae, 0.1875f, 0, 0, 0);
        Assert.Equal([expectedCode, 0, 0], codes);
        Assert.Equal([expectedX0, 0, 0, 0], reconstruction);
    }

    // act_fn "topk" with top_k = 1, x = [1, 0.25, 0.25, −0.5]: pre = [2, 0, −0.5] → f = [2, 0, 0].
    [Fact]
    public void TopK_UsesTopKOnlyWhenActFnSaysSo()
    {
        using var sae = LlamaScopeFormat.Load(WriteLlamaScope(Path.Combine(folder, "topk"), Hyperparams(actFn: "topk"), Weights()));
        Assert.Equal((SaeActivation.TopK, 1), (sae.Config.Activation, sae.Config.K));
        Assert.Equal([2, 0, 0], Run(sae, 1, 0.25f, 0.25f, -0.5f).Codes);
    }

    [Fact]
    public void Float32Checkpoints_LoadToo()
    {
        using var sae = LlamaScopeFormat.Load(WriteLlamaScope(Path.Combine(folder, "f32"), Hyperparams(), Weights(), ScalarType.Float32));
        Assert.Equal([2, 0, 0], Run(sae, 1, 0.25f, 0.25f, -0.5f).Codes);
    }

    [Fact]
    public void Transcoders_AreRefused()
    {
        string path = WriteLlamaScope(Path.Combine(folder, "tc"), Hyperparams(hookOut: "blocks.3.hook_mlp_out"), Weights());
        var error = Assert.Throws<SaeFormatException>(() => LlamaScopeFormat.Load(path));
        Assert.Contains("hyperparams.json", error.Message);
        Assert.Contains("transcoders are not supported", error.Message);
    }

    [Fact]
    public void EncoderStoredAsWEnc_IsRefusedAsTransposed()
    {
        var weights = Weights();
        weights[0] = ("encoder.weight", [4, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
        string path = WriteLlamaScope(Path.Combine(folder, "transposed"), Hyperparams(), weights);
        var error = Assert.Throws<SaeFormatException>(() => LlamaScopeFormat.Load(path));
        Assert.Contains("final.safetensors", error.Message);
        Assert.Contains("encoder.weight has shape [4, 3], expected [3, 4]", error.Message);
        Assert.Contains("transposed", error.Message);
    }

    [Theory]
    [InlineData("jump_relu_threshold", "needs $.jump_relu_threshold")]
    [InlineData("dataset_average_activation_norm", "$.dataset_average_activation_norm is missing")]
    [InlineData("hook_point_in", "$.hook_point_in is missing")]
    [InlineData("d_model", "$.d_model is missing")]
    public void MissingHyperparameters_AreRefusedNamingTheField(string field, string problem)
    {
        var hyperparams = Hyperparams();
        hyperparams.Remove(field);
        string path = WriteLlamaScope(Path.Combine(folder, $"missing-{field}"), hyperparams, Weights());
        var error = Assert.Throws<SaeFormatException>(() => LlamaScopeFormat.Load(path));
        Assert.Contains("hyperparams.json", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void MissingCheckpoint_IsRefused()
    {
        string path = WriteLlamaScope(Path.Combine(folder, "nockpt"), Hyperparams(), Weights());
        File.Delete(Path.Combine(path, "checkpoints", "final.safetensors"));
        var error = Assert.Throws<SaeFormatException>(() => LlamaScopeFormat.Load(path));
        Assert.Contains(Path.Combine("checkpoints", "final.safetensors"), error.Message);
        Assert.Contains("file not found", error.Message);
    }
}
