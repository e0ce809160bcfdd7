using System.Text.Json;
using System.Text.Json.Nodes;
using SteerLab.Engine.Models.Safetensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SteerLab.Engine.Models.Training;

/// <summary>A LlamaForCausalLM's trainable tensors by Hugging Face name, with the config.json that describes them:
/// fresh (GPT-2-style initialisation) or read back from a folder, and saved as a Hugging Face model folder the
/// engine's <see cref="ModelLoader"/> loads.</summary>
public sealed class LlamaCheckpoint : IDisposable
{
    public JsonObject ConfigJson { get; }
    public ModelConfig Config { get; }
    /// <summary>Name → trainable parameter, in a fixed order.</summary>
    public IReadOnlyList<(string Name, Parameter Tensor)> Tensors { get; }

    LlamaCheckpoint(JsonObject configJson, ModelConfig config, IReadOnlyList<(string, Parameter)> tensors)
    {
        ConfigJson = configJson;
        Config = config;
        Tensors = tensors;
    }

    static ModelConfig ParseConfig(JsonObject configJson, string source) =>
        ModelConfig.Parse(JsonDocument.Parse(configJson.ToJsonString()).RootElement, source);

    public static JsonObject ConfigFor(LlamaTrainingOptions o, int vocabSize, int bosId, int eosId) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = o.DModel,
        ["intermediate_size"] = o.FeedForward,
        ["num_hidden_layers"] = o.Layers,
        ["num_attention_heads"] = o.Heads,
        ["num_key_value_heads"] = o.Heads,
        ["head_dim"] = o.DModel / o.Heads,
        ["hidden_act"] = "silu",
        ["max_position_embeddings"] = o.Context,
        ["rms_norm_eps"] = 1e-5,
        ["rope_theta"] = 10000.0,
        ["vocab_size"] = vocabSize,
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = bosId,
        ["eos_token_id"] = eosId,
        ["torch_dtype"] = "float32",
    };

    /// <summary>Normal(0, 0.02) matrices, with the two projections that write into the residual stream (o_proj,
    /// down_proj) scaled by 1/sqrt(2·layers) as in GPT-2; norm gains 1.</summary>
    public static LlamaCheckpoint Initialise(JsonObject configJson, long seed)
    {
        var config = ParseConfig(configJson, "config.json");
        using var generator = new TorchSharp.torch.Generator(unchecked((ulong)seed));
        double residualStd = 0.02 / Math.Sqrt(2.0 * config.LayerCount);
        Parameter Normal(double std, params long[] shape)
        {
            using var stdScalar = std.ToScalar();
            return new(randn(shape, generator: generator).mul(stdScalar));
        }
        Parameter Ones(long n) => new(ones(n));
        var tensors = new List<(string, Parameter)> { ("model.embed_tokens.weight", Normal(0.02, config.VocabSize, config.DModel)) };
        foreach (var (name, shape, kind) in LayerShapes(config))
            tensors.Add((name, kind switch { TensorKind.Norm => Ones(shape[0]), TensorKind.Residual => Normal(residualStd, shape), _ => Normal(0.02, shape) }));
        tensors.Add(("model.norm.weight", Ones(config.DModel)));
        return new LlamaCheckpoint(configJson, config, tensors);
    }

    /// <summary>Reads a folder written by <see cref="Save"/> back as trainable tensors.</summary>
    public static LlamaCheckpoint Read(string folder)
    {
        var configJson = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        var config = ParseConfig(configJson, folder);
        using var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        var names = new[] { "model.embed_tokens.weight" }.Concat(LayerShapes(config).Select(s => s.Name)).Append("model.norm.weight");
        var tensors = names.Select(n => (n, new Parameter(file.Load(n, ScalarType.Float32).clone()))).ToList();
        return new LlamaCheckpoint(configJson, config, tensors);
    }

    enum TensorKind { Norm, Matrix, Residual }

    static IEnumerable<(string Name, long[] Shape, TensorKind Kind)> LayerShapes(ModelConfig c)
    {
        int d = c.DModel, q = c.HeadCount * c.HeadDim, kv = c.KvHeadCount * c.HeadDim, ff = c.FeedForwardDim;
        for (int l = 0; l < c.LayerCount; l++)
        {
            string p = $"model.layers.{l}.";
            yield return (p + "input_layernorm.weight", [d], TensorKind.Norm);
            yield return (p + "self_attn.q_proj.weight", [q, d], TensorKind.Matrix);
            yield return (p + "self_attn.k_proj.weight", [kv, d], TensorKind.Matrix);
            yield return (p + "self_attn.v_proj.weight", [kv, d], TensorKind.Matrix);
            yield return (p + "self_attn.o_proj.weight", [d, q], TensorKind.Residual);
            yield return (p + "post_attention_layernorm.weight", [d], TensorKind.Norm);
            yield return (p + "mlp.gate_proj.weight", [ff, d], TensorKind.Matrix);
            yield return (p + "mlp.up_proj.weight", [ff, d], TensorKind.Matrix);
            yield return (p + "mlp.down_proj.weight", [d, ff], TensorKind.Residual);
        }
    }

    /// <summary>The engine's Llama over these tensors (shared, not copied): what training runs forward through, so the
    /// trained model is exactly the model the engine serves.</summary>
    public Llama ToModel()
    {
        var byName = Tensors.ToDictionary(t => t.Name, t => t.Tensor);
        var layers = Enumerable.Range(0, Config.LayerCount).Select(l =>
        {
            string p = $"model.layers.{l}.";
            return new Llama.LayerWeights(byName[p + "input_layernorm.weight"], byName[p + "self_attn.q_proj.weight"],
                byName[p + "self_attn.k_proj.weight"], byName[p + "self_attn.v_proj.weight"], byName[p + "self_attn.o_proj.weight"],
                byName[p + "post_attention_layernorm.weight"], byName[p + "mlp.gate_proj.weight"], byName[p + "mlp.up_proj.weight"],
                byName[p + "mlp.down_proj.weight"]);
        }).ToList();
        var embedding = byName["model.embed_tokens.weight"];
        return new Llama(Config, new Llama.Weights(embedding, layers, byName["model.norm.weight"], embedding), ScalarType.Float32, CPU);
    }

    /// <summary>Norm gains and other vectors are not weight-decayed; matrices are.</summary>
    public IEnumerable<Parameter> DecayedTensors => Tensors.Where(t => t.Tensor.dim() == 2).Select(t => t.Tensor);
    public IEnumerable<Parameter> UndecayedTensors => Tensors.Where(t => t.Tensor.dim() != 2).Select(t => t.Tensor);

    public long ParameterCount => Tensors.Sum(t => t.Tensor.NumberOfElements);

    /// <summary>Writes config.json and model.safetensors (float32) into <paramref name="folder"/>.</summary>
    public void Save(string folder, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(folder);
        using (no_grad())
            SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"),
                Tensors.Select(t => KeyValuePair.Create(t.Name, t.Tensor.detach())), metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public void Dispose()
    {
        foreach (var (_, tensor) in Tensors) tensor.Dispose();
    }
}
