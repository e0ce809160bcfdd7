using System.Text.Json;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Tests.Support;
using static SteerLab.Engine.Tests.Sae.SaeTestFolders;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Sae;

/// <summary>SAELens folders (≥ 6 and flat pre-6.0 configs) load to SAEs whose codes match hand-computed
/// values; every config option that changes the computation is honoured; SteerLab's own save → load is
/// bit-exact; malformed configs are refused naming the file and the JSON path.</summary>
public sealed class SaeLensFormatTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-saelens-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Sub(string name) => Path.Combine(folder, name);

    static Dictionary<string, object?> Cfg(string architecture, bool applyBDec = true, string normalize = "none", int? k = null, string hook = "blocks.4.hook_resid_post")
    {
        var cfg = new Dictionary<string, object?>
        {
            ["architecture"] = architecture,
            ["d_in"] = 2,
            ["d_sae"] = 3,
            ["dtype"] = "float32",
            ["apply_b_dec_to_input"] = applyBDec,
            ["normalize_activations"] = normalize,
            ["metadata"] = new { hook_name = hook, model_name = "gpt2", sae_lens_version = "6.5.0" },
        };
        if (k is not null) cfg["k"] = k;
        return cfg;
    }

    static (float[] Codes, float[] Reconstruction) Run(SparseAutoencoder sae, params float[] x)
    {
        using var input = tensor(x).reshape(-1, sae.DIn);
        using var codes = sae.Encode(input);
        using var reconstruction = sae.Reconstruct(input);
        return (codes.data<float>().ToArray(), reconstruction.data<float>().ToArray());
    }

    // Weights (SaeTestFolders): W_enc = [[1, 0, −1], [0, 2, 1]], W_dec = [[1, 0], [0, 1], [1, 1]],
    // b_enc = [0, 0, 0.5], b_dec = [1, 2].
    //
    // apply_b_dec_to_input = true, x = [2, 3]: x − b_dec = [1, 1]; pre = [1, 2, 0] + b_enc = [1, 2, 0.5]
    //   ReLU → f = [1, 2, 0.5]; x̂ = [1 + 0.5, 2 + 0.5] + b_dec = [2.5, 4.5]
    // apply_b_dec_to_input = true, x = [0, 2]: x − b_dec = [−1, 0]; pre = [−1, 0, 1 + 0.5] → f = [0, 0, 1.5];
    //   x̂ = [1.5, 1.5] + [1, 2] = [2.5, 3.5]
    // apply_b_dec_to_input = false, x = [2, 3]: pre = [2, 6, 1] + b_enc = [2, 6, 1.5] → f = [2, 6, 1.5];
    //   x̂ = [2 + 1.5, 6 + 1.5] + [1, 2] = [4.5, 9.5]
    [Fact]
    public void Standard_EncodesHandComputedValues_AndHonoursApplyBDecToInput()
    {
        using var centred = SaeLensFormat.Load(WriteSaeLens(Sub("centred"), Cfg("standard"), SaeLensTensors()));
        Assert.Equal(SaeActivation.Relu, centred.Config.Activation);
        Assert.True(centred.Config.ApplyBDecToInput);
        Assert.Equal(new HookPoint(4, HookKind.ResidPost), centred.Config.Hook);
        Assert.Equal("gpt2", centred.Config.ModelName);
        var (codes, reconstruction) = Run(centred, 2, 3, 0, 2);
        Assert.Equal([1, 2, 0.5f, 0, 0, 1.5f], codes);
        Assert.Equal([2.5f, 4.5f, 2.5f, 3.5f], reconstruction);

        using var raw = SaeLensFormat.Load(WriteSaeLens(Sub("raw"), Cfg("standard", applyBDec: false), SaeLensTensors()));
        Assert.False(raw.Config.ApplyBDecToInput);
        var (rawCodes, rawReconstruction) = Run(raw, 2, 3);
        Assert.Equal([2, 6, 1.5f], rawCodes);
        Assert.Equal([4.5f, 9.5f], rawReconstruction);
    }

    // Same weights, apply_b_dec_to_input = true, x = [2, 3] → pre = [1, 2, 0.5] (above).
    // jumprelu θ = 1.5 everywhere: 1 ≤ 1.5 off, 2 > 1.5 on, 0.5 off → f = [0, 2, 0]; x̂ = [0, 2] + [1, 2] = [1, 4]
    // x = [2.5, 3]: x − b_dec = [1.5, 1]; pre = [1.5, 2, −0.5 + 0.5 = 0]: 1.5 is not > 1.5 → f = [0, 2, 0]
    [Theory]
    [InlineData("threshold")]
    [InlineData("log_threshold")]
    public void JumpRelu_HonoursThresholdOrLogThreshold(string tensorName)
    {
        float value = tensorName == "threshold" ? 1.5f : MathF.Log(1.5f);
        var tensors = SaeLensTensors();
        tensors.Add((tensorName, [3], [value, value, value]));
        using var sae = SaeLensFormat.Load(WriteSaeLens(Sub(tensorName), Cfg("jumprelu"), tensors));
        Assert.Equal(SaeActivation.JumpRelu, sae.Config.Activation);
        TensorAssert.Close([1.5f, 1.5f, 1.5f], sae.Threshold!, 1e-6, "threshold");
        var (codes, reconstruction) = Run(sae, 2, 3, 2.5f, 3);
        Assert.Equal([0, 2, 0, 0, 2, 0], codes);
        Assert.Equal([1, 4, 1, 4], reconstruction);
    }

    // topk k = 1 on pre = [1, 2, 0.5] keeps the largest: f = [0, 2, 0].
    [Fact]
    public void TopK_KeepsTheKLargest()
    {
        using var sae = SaeLensFormat.Load(WriteSaeLens(Sub("topk"), Cfg("topk", k: 1), SaeLensTensors()));
        Assert.Equal((SaeActivation.TopK, 1), (sae.Config.Activation, sae.Config.K));
        Assert.Equal([0, 2, 0], Run(sae, 2, 3).Codes);
    }

    // A flat SAELens 3.x–5.x config: hook_point, activation_fn_str "topk" with activation_fn_kwargs.k = 2,
    // boolean normalize_activations, apply_b_dec_to_input absent (default true): pre = [1, 2, 0.5] → f = [1, 2, 0].
    [Fact]
    public void Pre60FlatConfig_IsAccepted()
    {
        const string cfg = """
            {"d_in": 2, "d_sae": 3, "dtype": "float32", "model_name": "gpt2-small", "hook_point": "blocks.1.hook_resid_pre",
             "hook_point_layer": 1, "hook_point_head_index": null, "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 2},
             "normalize_activations": false, "finetuning_scaling_factor": false, "sae_lens_training_version": "3.13.0",
             "prepend_bos": true, "context_size": 128}
            """;
        using var sae = SaeLensFormat.Load(WriteSaeLens(Sub("old"), cfg, SaeLensTensors()));
        Assert.Equal((SaeActivation.TopK, 2, true), (sae.Config.Activation, sae.Config.K, sae.Config.ApplyBDecToInput));
        Assert.Equal(SaeNormalization.None, sae.Config.Normalization);
        Assert.Equal(new HookPoint(1, HookKind.ResidPre), sae.Config.Hook);
        Assert.Equal("gpt2-small", sae.Config.ModelName);
        Assert.Equal([1, 2, 0], Run(sae, 2, 3).Codes);
    }

    [Fact]
    public void SaeLens60ReleaseCandidateMetaSection_IsRead()
    {
        var cfg = Cfg("standard");
        cfg.Remove("metadata");
        cfg["meta"] = new { hook_name = "blocks.2.hook_mlp_out", model_name = "pythia-70m" };
        using var sae = SaeLensFormat.Load(WriteSaeLens(Sub("meta"), cfg, SaeLensTensors()));
        Assert.Equal(new HookPoint(2, HookKind.MlpOut), sae.Config.Hook);
        Assert.Equal("pythia-70m", sae.Config.ModelName);
    }

    // Identity-like encoder W_enc = [[1, 0, 0], [0, 1, 0]], decoder W_dec = [[1, 0], [0, 1], [0, 0]], zero biases.
    // constant_norm_rescale, x = [3, 4] (norm 5, d = 2): x·√2/5 = [0.6√2, 0.8√2] → f = [0.8485, 1.1314, 0];
    //   x̂ = [0.6√2, 0.8√2]·5/√2 = [3, 4]
    // layer_norm, x = [3, 5]: mean 4, centred [−1, 1], std (unbiased, as torch) √2 → f = [0, 1/√2, 0] (ReLU);
    //   x̂ = [0, 1/√2]·√2 + 4 = [4, 5]
    [Theory]
    [InlineData("constant_norm_rescale", new float[] { 3, 4 }, new float[] { 0.848528f, 1.131371f, 0 }, new float[] { 3, 4 })]
    [InlineData("layer_norm", new float[] { 3, 5 }, new float[] { 0, 0.707104f, 0 }, new float[] { 4, 5 })]
    public void Normalisations_AreHonoured(string normalize, float[] x, float[] expectedCodes, float[] expectedReconstruction)
    {
        List<(string, long[], float[])> tensors =
        [
            ("W_enc", [2, 3], [1, 0, 0, 0, 1, 0]), ("W_dec", [3, 2], [1, 0, 0, 1, 0, 0]), ("b_enc", [3], [0, 0, 0]), ("b_dec", [2], [0, 0]),
        ];
        using var sae = SaeLensFormat.Load(WriteSaeLens(Sub(normalize), Cfg("standard", applyBDec: false, normalize: normalize), tensors));
        var (codes, reconstruction) = Run(sae, x);
        TensorAssert.Close(expectedCodes, tensor(codes), 1e-5, $"{normalize} codes");
        TensorAssert.Close(expectedReconstruction, tensor(reconstruction), 1e-4, $"{normalize} reconstruction");
    }

    [Fact]
    public void ExpectedAverageOnlyIn_IsIdentityAtRunTime()
    {
        using var sae = SaeLensFormat.Load(WriteSaeLens(Sub("eaoi"), Cfg("standard", normalize: "expected_average_only_in"), SaeLensTensors()));
        Assert.Equal(SaeNormalization.None, sae.Config.Normalization);
        Assert.Equal([1, 2, 0.5f], Run(sae, 2, 3).Codes);
    }

    public static TheoryData<SaeActivation, SaeNormalization, bool> SteerLabVariants() => new()
    {
        { SaeActivation.Relu, SaeNormalization.None, true },
        { SaeActivation.JumpRelu, SaeNormalization.None, false },
        { SaeActivation.TopK, SaeNormalization.None, true },
        { SaeActivation.Relu, SaeNormalization.LayerNorm, true },
        { SaeActivation.TopK, SaeNormalization.ConstantNormRescale, false },
        { SaeActivation.JumpRelu, SaeNormalization.ConstantNormRescale, true },
    };

    [Theory]
    [MemberData(nameof(SteerLabVariants))]
    public void SteerLabSaveThenLoad_IsBitExact(SaeActivation activation, SaeNormalization normalization, bool applyBDec)
    {
        using var original = WithProvenance(TinySae.Random(16, 48, activation, seed: 11, k: activation == SaeActivation.TopK ? 5 : 0,
            applyBDec: applyBDec, normalization: normalization, thresholdScale: 0.3));
        string path = Sub($"{activation}-{normalization}");
        SaeLensFormat.Save(original, path, new Dictionary<string, object> { ["l0"] = 12.5, ["explained_variance"] = 0.81, ["corpus"] = "brown" });
        using var loaded = SaeLensFormat.Load(path);

        Assert.Equal(original.Config with { Source = "" }, loaded.Config with { Source = "" });
        Assert.Equal(0, TensorAssert.MaxAbsDiff(original.WEnc, loaded.WEnc));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(original.WDec, loaded.WDec));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(original.BEnc, loaded.BEnc));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(original.BDec, loaded.BDec));
        Assert.Equal(original.Threshold is null, loaded.Threshold is null);
        if (original.Threshold is not null) Assert.Equal(0, TensorAssert.MaxAbsDiff(original.Threshold, loaded.Threshold!));
        using var x = randn(5, 16, generator: new TorchSharp.torch.Generator(3));
        using var before = original.Reconstruct(x);
        using var after = loaded.Reconstruct(x);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(before, after));

        var extra = SaeLensFormat.ReadSteerLabMetadata(path);
        Assert.Equal(12.5, extra["l0"].GetDouble());
        Assert.Equal("brown", extra["corpus"].GetString());
    }

    static SparseAutoencoder WithProvenance(SparseAutoencoder sae)
    {
        var config = sae.Config with { Hook = new HookPoint(2, HookKind.ResidPost), ModelName = "steerlab-demo" };
        using var scope = NewDisposeScope();
        var copy = new SparseAutoencoder(config, sae.WEnc.clone(), sae.WDec.clone(), sae.BEnc.clone(), sae.BDec.clone(), sae.Threshold?.clone());
        scope.MoveToOuter(copy.WEnc, copy.WDec, copy.BEnc, copy.BDec);
        if (copy.Threshold is not null) scope.MoveToOuter(copy.Threshold);
        sae.Dispose();
        return copy;
    }

    [Fact]
    public void SavedConfig_FollowsTheSaeLens6Layout()
    {
        using var sae = WithProvenance(TinySae.Random(4, 8, SaeActivation.TopK, seed: 1, k: 3));
        string path = Sub("layout");
        SaeLensFormat.Save(sae, path, new Dictionary<string, object> { ["steps"] = 100 });
        using var cfg = JsonDocument.Parse(File.ReadAllText(Path.Combine(path, "cfg.json")));
        var root = cfg.RootElement;
        Assert.Equal("topk", root.GetProperty("architecture").GetString());
        Assert.Equal(3, root.GetProperty("k").GetInt32());
        Assert.Equal((4, 8), (root.GetProperty("d_in").GetInt32(), root.GetProperty("d_sae").GetInt32()));
        Assert.True(root.GetProperty("apply_b_dec_to_input").GetBoolean());
        Assert.Equal("none", root.GetProperty("normalize_activations").GetString());
        Assert.Equal("blocks.2.hook_resid_post", root.GetProperty("metadata").GetProperty("hook_name").GetString());
        Assert.Equal("steerlab-demo", root.GetProperty("metadata").GetProperty("model_name").GetString());
        Assert.Equal(100, root.GetProperty("steerlab").GetProperty("steps").GetInt32());
        using (var weights = SteerLab.Engine.Models.Safetensors.SafetensorsFile.Open(Path.Combine(path, "sae_weights.safetensors")))
            Assert.Equal(["W_dec", "W_enc", "b_dec", "b_enc"], weights.Tensors.Keys.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(path, "cfg.json.tmp")));
    }

    // Llama-Scope-style dataset scaling has no SAELens equivalent: Save folds it into the weights.
    [Fact]
    public void DatasetScaledSae_IsSavedWithItsScalesFolded()
    {
        using var random = TinySae.Random(16, 48, SaeActivation.JumpRelu, seed: 5, applyBDec: true, thresholdScale: 0.3);
        var config = random.Config with { Normalization = SaeNormalization.DatasetScale, DatasetInputNorm = 9, DatasetOutputNorm = 2.5 };
        using var scaled = new SparseAutoencoder(config, random.WEnc, random.WDec, random.BEnc, random.BDec, random.Threshold);
        string path = Sub("folded");
        SaeLensFormat.Save(scaled, path);
        using var loaded = SaeLensFormat.Load(path);
        Assert.Equal((SaeNormalization.None, false), (loaded.Config.Normalization, loaded.Config.ApplyBDecToInput));
        using var x = randn(6, 16, generator: new TorchSharp.torch.Generator(4)) * 3;
        using var codesBefore = scaled.Encode(x);
        using var codesAfter = loaded.Encode(x);
        using var before = scaled.Reconstruct(x);
        using var after = loaded.Reconstruct(x);
        Assert.True(codesBefore.count_nonzero().item<long>() > 0, "the test input activates no feature");
        Assert.True(TensorAssert.MaxAbsDiff(codesBefore, codesAfter) < 1e-5);
        Assert.True(TensorAssert.MaxAbsDiff(before, after) < 1e-5);
    }

    /// <summary>Malformed configs and weights: the case, how to break the folder, the file the error must name, and the words it must contain.</summary>
    public static TheoryData<string, string, string, string> MalformedCases() => new()
    {
        { "cfg.json is not JSON", "cfg:{\"d_in\": 2, \"d_sae\": ", "not valid JSON", "cfg.json" },
        { "cfg.json is an array", "cfg:[1, 2]", "root must be an object", "cfg.json" },
        { "missing d_sae", "cfg:{\"architecture\": \"standard\", \"d_in\": 2}", "$.d_sae is missing", "cfg.json" },
        { "d_sae is text", "cfg:{\"architecture\": \"standard\", \"d_in\": 2, \"d_sae\": \"3\"}", "$.d_sae must be an integer", "cfg.json" },
        { "unknown architecture", "cfg:{\"architecture\": \"gated\", \"d_in\": 2, \"d_sae\": 3}", "$.architecture 'gated' is unknown", "cfg.json" },
        { "unknown activation", "cfg:{\"d_in\": 2, \"d_sae\": 3, \"activation_fn_str\": \"tanh-relu\"}", "'tanh-relu' is not supported", "cfg.json" },
        { "topk without k", "cfg:{\"architecture\": \"topk\", \"d_in\": 2, \"d_sae\": 3}", "needs $.k", "cfg.json" },
        { "k larger than d_sae", "cfg:{\"architecture\": \"topk\", \"d_in\": 2, \"d_sae\": 3, \"k\": 4}", "$.k must be in [1, d_sae = 3]", "cfg.json" },
        { "unknown normalisation", "cfg:{\"d_in\": 2, \"d_sae\": 3, \"normalize_activations\": \"batch_norm\"}", "'batch_norm' is not supported", "cfg.json" },
        { "hook_z", "cfg:{\"d_in\": 2, \"d_sae\": 3, \"metadata\": {\"hook_name\": \"blocks.3.attn.hook_z\"}}", "$.metadata.hook_name 'blocks.3.attn.hook_z' is not a supported hook point", "cfg.json" },
        { "rescaled topk", "cfg:{\"architecture\": \"topk\", \"k\": 1, \"d_in\": 2, \"d_sae\": 3, \"rescale_acts_by_decoder_norm\": true}", "rescale_acts_by_decoder_norm", "cfg.json" },
        { "d_in disagrees with W_enc", "cfg:{\"d_in\": 3, \"d_sae\": 3}", "W_enc has shape [2, 3], expected [3, 3]", "sae_weights.safetensors" },
        { "jumprelu without threshold", "cfg:{\"architecture\": \"jumprelu\", \"d_in\": 2, \"d_sae\": 3}", "needs a 'threshold'", "sae_weights.safetensors" },
        { "infinite b_enc", "b_enc:inf", "b_enc contains 1 non-finite value", "sae_weights.safetensors" },
        { "missing b_dec", "drop:b_dec", "missing tensor 'b_dec'", "sae_weights.safetensors" },
        { "weights not safetensors", "weights:garbage", "sae_weights.safetensors", "sae_weights.safetensors" },
    };

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void MalformedFolders_AreRefusedNamingFileAndProblem(string name, string breakage, string problem, string file)
    {
        string path = Sub("bad");
        var tensors = SaeLensTensors(bEnc: breakage == "b_enc:inf" ? [0, float.PositiveInfinity, 0] : null);
        if (breakage.StartsWith("drop:")) tensors.RemoveAll(t => t.Name == breakage[5..]);
        object cfg = breakage.StartsWith("cfg:") ? breakage[4..] : Cfg("standard");
        WriteSaeLens(path, cfg, tensors);
        if (breakage == "weights:garbage") File.WriteAllBytes(Path.Combine(path, "sae_weights.safetensors"), new byte[4]);
        var error = Assert.Throws<SaeFormatException>(() => SaeLensFormat.Load(path).Dispose());
        Assert.Equal(Path.Combine(path, file), error.SourcePath);
        Assert.True(error.Message.Contains(problem), $"{name}: '{error.Message}' does not mention '{problem}'");
    }
}

