using SteerLab.Engine.Sae;
using SteerLab.Engine.Worker;
using static SteerLab.Engine.Tests.Sae.SaeTestFolders;

namespace SteerLab.Engine.Tests.Worker;

/// <summary>The catalogue of models and SAEs under the model roots, over a temporary root holding tiny configs (no
/// real weights: the catalogue reads configs only).</summary>
public sealed class ModelCatalogueTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("steerlab-catalogue-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    const string LlamaConfig = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64, "intermediate_size": 172,
         "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4, "vocab_size": 512,
         "max_position_embeddings": 512, "rms_norm_eps": 1e-05}
        """;

    const string Gpt2Config = """
        {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4,
         "vocab_size": 80, "n_positions": 16, "layer_norm_epsilon": 1e-05}
        """;

    string WriteModel(string relative, string config, bool withWeights = true)
    {
        string folder = Path.Combine(root, relative);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), config);
        if (withWeights) File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), new byte[100]);
        return folder;
    }

    [Fact]
    public void Scan_ListsModelsAtAnyDepthWithTheirConfig()
    {
        WriteModel("tiny-llama", LlamaConfig);
        WriteModel("org/tiny-gpt2", Gpt2Config);
        WriteModel(".cache/hidden-model", LlamaConfig);
        Directory.CreateDirectory(Path.Combine(root, "notes"));

        var listing = ModelCatalogue.Scan(new ModelRoots([root]));

        Assert.Equal(["org/tiny-gpt2", "tiny-llama"], listing.Models.Select(m => m.Name).Order(StringComparer.Ordinal));
        var llama = listing.Models.Single(m => m.Name == "tiny-llama");
        Assert.Equal(("Llama", 64, 5, 512), (llama.Architecture, llama.DModel, llama.LayerCount, llama.VocabSize));
        Assert.Equal(100, llama.WeightFileBytes);
        Assert.Null(llama.Problem);
        var gpt2 = listing.Models.Single(m => m.Name == "org/tiny-gpt2");
        Assert.Equal(("Gpt2", 32, 2), (gpt2.Architecture, gpt2.DModel, gpt2.LayerCount));
        Assert.Equal(root, gpt2.Root);
        Assert.Empty(listing.Saes);
        Assert.False(listing.Truncated);
    }

    [Fact]
    public void Scan_ReportsAnUnreadableConfigOnItsEntryAndGoesOn()
    {
        WriteModel("broken", "{ this is not json");
        WriteModel("exotic", """{"architectures": ["MambaForCausalLM"]}""");
        WriteModel("no-weights", LlamaConfig, withWeights: false);
        WriteModel("fine", LlamaConfig);

        var models = ModelCatalogue.Scan(new ModelRoots([root])).Models.ToDictionary(m => m.Name);

        Assert.Contains("not valid JSON", models["broken"].Problem);
        Assert.Contains(Path.Combine(root, "broken", "config.json"), models["broken"].Problem);
        Assert.Null(models["broken"].Architecture);
        Assert.Contains("MambaForCausalLM", models["exotic"].Problem);
        Assert.Contains("no model.safetensors", models["no-weights"].Problem);
        Assert.Equal("Llama", models["no-weights"].Architecture);
        Assert.Null(models["fine"].Problem);
    }

    [Fact]
    public void Scan_DescribesSaesOfEachFormatFromTheirConfigs()
    {
        WriteSaeLens(Path.Combine(root, "saes", "res-1"), new
        {
            architecture = "topk", d_in = 2, d_sae = 3, k = 2,
            metadata = new { hook_name = "blocks.1.hook_resid_post", model_name = "tiny-llama" },
        }, SaeLensTensors());
        WriteGemmaScope(root, "gemma-scope-2b-pt-res/layer_3/width_16k/average_l0_50/params.npz", GemmaScopeArrays());
        string llamaScope = Path.Combine(root, "llama-scope", "L2R");
        Directory.CreateDirectory(llamaScope);
        File.WriteAllText(Path.Combine(llamaScope, "hyperparams.json"), """
            {"d_model": 4, "d_sae": 8, "hook_point_in": "blocks.2.hook_resid_post", "act_fn": "jumprelu",
             "jump_relu_threshold": 0.5, "norm_activation": "inference", "model_name": "Llama-3.1-8B"}
            """);

        var saes = ModelCatalogue.Scan(new ModelRoots([root])).Saes.ToDictionary(s => s.Name);

        Assert.Equal(3, saes.Count);
        var saeLens = saes["saes/res-1"];
        Assert.Equal((SaeFileFormat.SaeLens, "blocks.1.hook_resid_post", 2, 3, "topk (k = 2)", "tiny-llama"),
            (saeLens.Format, saeLens.Hook, saeLens.DIn, saeLens.Width, saeLens.Activation, saeLens.ModelName));
        var gemmaScope = saes["gemma-scope-2b-pt-res/layer_3/width_16k/average_l0_50"];
        Assert.Equal((SaeFileFormat.GemmaScope, "blocks.3.hook_resid_post", 2, 3, "jumprelu"),
            (gemmaScope.Format, gemmaScope.Hook, gemmaScope.DIn, gemmaScope.Width, gemmaScope.Activation));
        var scope = saes["llama-scope/L2R"];
        Assert.Equal((SaeFileFormat.LlamaScope, "blocks.2.hook_resid_post", 4, 8, "Llama-3.1-8B"),
            (scope.Format, scope.Hook, scope.DIn, scope.Width, scope.ModelName));
        Assert.All(saes.Values, sae => Assert.Null(sae.Problem));
    }

    [Fact]
    public void Scan_ReportsAMalformedSaeConfigOnItsEntry()
    {
        WriteSaeLens(Path.Combine(root, "bad-sae"), new { architecture = "standard", d_sae = 3 }, SaeLensTensors());
        WriteGemmaScope(root, "broken-npz/params.npz", [("b_enc", NpyFloat32([3], 0, 0, 0))]);

        var saes = ModelCatalogue.Scan(new ModelRoots([root])).Saes.ToDictionary(s => s.Name);

        Assert.Equal(SaeFileFormat.SaeLens, saes["bad-sae"].Format);
        Assert.Contains("$.d_in is missing", saes["bad-sae"].Problem);
        Assert.Contains("cfg.json", saes["bad-sae"].Problem);
        Assert.Contains("missing array 'W_enc'", saes["broken-npz"].Problem);
    }

    [Fact]
    public void Scan_FlagsAModelHiddenByOneOfTheSameNameUnderAnEarlierRoot()
    {
        string first = Path.Combine(root, "first"), second = Path.Combine(root, "second");
        WriteModel(Path.Combine("first", "shared-name"), LlamaConfig);
        WriteModel(Path.Combine("second", "shared-name"), Gpt2Config);

        var models = ModelCatalogue.Scan(new ModelRoots([first, second])).Models;

        Assert.Equal(2, models.Count);
        Assert.Null(models.Single(m => m.Root == first).Problem);
        Assert.Contains("earlier model root", models.Single(m => m.Root == second).Problem);
    }

    [Fact]
    public void Scan_WithNoRootsOrAMissingRoot_FindsNothing()
    {
        Assert.Empty(ModelCatalogue.Scan(new ModelRoots([])).Models);
        var listing = ModelCatalogue.Scan(new ModelRoots([Path.Combine(root, "does-not-exist")]));
        Assert.Empty(listing.Models);
        Assert.Empty(listing.Saes);
    }

    static byte[] NpyFloat32(long[] shape, params float[] values) => Sae.NpyTestFiles.Float32(shape, values);
}
