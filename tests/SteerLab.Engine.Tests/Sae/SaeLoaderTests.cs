using System.Security.Cryptography;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Tests.Support;
using static SteerLab.Engine.Tests.Sae.SaeTestFolders;

namespace SteerLab.Engine.Tests.Sae;

/// <summary>SaeLoader finds the format from the files present, refuses SAEs that do not fit the model (width,
/// layer) with messages a user can act on, and hashes the weight file that identifies an SAE.</summary>
public sealed class SaeLoaderTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-saeloader-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string GemmaScope() => WriteGemmaScope(folder, "gemma-scope-2b-pt-res/layer_12/width_16k/average_l0_82/params.npz", GemmaScopeArrays());

    string SaeLens() => WriteSaeLens(Path.Combine(folder, "saelens"),
        new { architecture = "standard", d_in = 2, d_sae = 3, metadata = new { hook_name = "blocks.1.hook_resid_post" } }, SaeLensTensors());

    string LlamaScope() => WriteLlamaScope(Path.Combine(folder, "llamascope"),
        new { d_model = 2, d_sae = 3, hook_point_in = "blocks.2.hook_resid_post", act_fn = "relu", norm_activation = "inference", sparsity_include_decoder_norm = false },
        [("encoder.weight", [3, 2], [1, 0, 0, 1, 1, 1]), ("decoder.weight", [2, 3], [1, 0, 1, 0, 1, 1]), ("encoder.bias", [3], [0, 0, 0]), ("decoder.bias", [2], [0, 0])]);

    [Fact]
    public void DetectsEachFormat_FromAFolderOrAFileInside()
    {
        string npz = GemmaScope();
        Assert.Equal(SaeFileFormat.GemmaScope, SaeLoader.Locate(npz).Format);
        Assert.Equal(npz, SaeLoader.Locate(Path.GetDirectoryName(npz)!).WeightFile);
        string saeLens = SaeLens();
        Assert.Equal(SaeFileFormat.SaeLens, SaeLoader.Locate(saeLens).Format);
        Assert.Equal(saeLens, SaeLoader.Locate(Path.Combine(saeLens, "cfg.json")).Root);
        string llama = LlamaScope();
        Assert.Equal(SaeFileFormat.LlamaScope, SaeLoader.Locate(llama).Format);
        Assert.Equal(llama, SaeLoader.Locate(Path.Combine(llama, "checkpoints", "final.safetensors")).Root);

        using var fromNpz = SaeLoader.Load(npz, expectedDModel: 2, modelLayerCount: 26);
        Assert.Equal((SaeActivation.JumpRelu, "blocks.12.hook_resid_post"), (fromNpz.Config.Activation, fromNpz.Config.Hook?.Name));
        using var fromSaeLens = SaeLoader.Load(saeLens, 2, 4);
        Assert.Equal(SaeActivation.Relu, fromSaeLens.Config.Activation);
        using var fromLlama = SaeLoader.Load(llama, 2, 4);
        Assert.Equal(SaeNormalization.None, fromLlama.Config.Normalization);
        TensorAssert.Close([1, 0, 1, 0, 1, 1], fromLlama.WEnc, 0, "W_enc");
    }

    [Fact]
    public void WidthMismatch_SaysWhichWidthsDisagree()
    {
        // d_in 2304 (Gemma-2-2B) against a model with d_model 2048.
        const int dIn = 2304;
        string path = WriteSaeLens(Path.Combine(folder, "wide"), new { architecture = "standard", d_in = dIn, d_sae = 1 },
            [("W_enc", [dIn, 1], new float[dIn]), ("W_dec", [1, dIn], new float[dIn]), ("b_enc", [1], [0]), ("b_dec", [dIn], new float[dIn])]);
        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(path, expectedDModel: 2048));
        Assert.Contains("SAE d_in 2304 does not match the model's d_model 2048", error.Message);
        Assert.Contains(path, error.Message);
        using var fits = SaeLoader.Load(path, expectedDModel: 2304);
    }

    [Fact]
    public void HookLayerBeyondTheModel_IsRefused()
    {
        var error = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(GemmaScope(), expectedDModel: 2, modelLayerCount: 5));
        Assert.Contains("SAE hook blocks.12.hook_resid_post is at layer 12, but the model has 5 layers (0 to 4)", error.Message);
        using var fits = SaeLoader.Load(GemmaScope(), 2, 13);
    }

    [Fact]
    public void UnrecognisedPaths_AreRefused()
    {
        var empty = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(folder));
        Assert.Contains("not a recognised SAE folder", empty.Message);
        Assert.Contains("params.npz", empty.Message);
        var missing = Assert.Throws<SaeFormatException>(() => SaeLoader.Load(Path.Combine(folder, "nowhere")));
        Assert.Contains("no such file or folder", missing.Message);
        string stray = Path.Combine(folder, "weights.bin");
        File.WriteAllBytes(stray, [1, 2, 3]);
        Assert.Contains("not a recognised SAE file", Assert.Throws<SaeFormatException>(() => SaeLoader.Load(stray)).Message);
    }

    [Fact]
    public void Sha256_HashesTheWeightFileOfEachFormat()
    {
        static string Expected(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        string npz = GemmaScope(), saeLens = SaeLens(), llama = LlamaScope();
        Assert.Equal(Expected(npz), SaeLoader.Sha256(npz));
        Assert.Equal(Expected(Path.Combine(saeLens, "sae_weights.safetensors")), SaeLoader.Sha256(saeLens));
        Assert.Equal(Expected(Path.Combine(llama, "checkpoints", "final.safetensors")), SaeLoader.Sha256(llama));
        Assert.Matches("^[0-9a-f]{64}$", SaeLoader.Sha256(npz));
    }
}
