using System.Text.Json;

namespace SteerLab.Engine.Models;

public enum Architecture { Llama, Gemma2, Gpt2 }

/// <summary>Llama-3 style RoPE frequency scaling (config "rope_scaling" with rope_type "llama3").</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

/// <summary>What a Hugging Face config.json says about a model, normalised across the three architectures.</summary>
public sealed record ModelConfig
{
    public required Architecture Architecture { get; init; }
    public required string ModelType { get; init; }
    public required int DModel { get; init; }
    public required int LayerCount { get; init; }
    public required int HeadCount { get; init; }
    public required int KvHeadCount { get; init; }
    public required int HeadDim { get; init; }
    public required int FeedForwardDim { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositions { get; init; }
    public required double NormEps { get; init; }
    public double RopeTheta { get; init; } = 10000;
    public Llama3RopeScaling? RopeScaling { get; init; }
    public bool TieWordEmbeddings { get; init; } = true;
    // Gemma-2 only.
    public double QueryPreAttnScalar { get; init; }
    public double? AttnLogitSoftcap { get; init; }
    public double? FinalLogitSoftcap { get; init; }
    public int? SlidingWindow { get; init; }
    public int? BosId { get; init; }
    public IReadOnlyList<int> EosIds { get; init; } = [];
    public int? PadId { get; init; }

    public static ModelConfig Load(string configPath)
    {
        if (!File.Exists(configPath)) throw new ModelConfigException($"{configPath}: file not found");
        var info = new FileInfo(configPath);
        if (info.Length > 1_000_000) throw new ModelConfigException($"{configPath}: {info.Length} bytes is too large for a model config");
        JsonDocument document;
        try { document = JsonDocument.Parse(File.ReadAllBytes(configPath), new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new ModelConfigException($"{configPath}: not valid JSON: {e.Message}"); }
        using (document) return Parse(document.RootElement, configPath);
    }

    public static ModelConfig Parse(JsonElement root, string source)
    {
        var reader = new ConfigReader(root, source);
        string architecture = reader.Architectures();
        return architecture switch
        {
            "LlamaForCausalLM" => ParseLlama(reader),
            "Gemma2ForCausalLM" => ParseGemma2(reader),
            "GPT2LMHeadModel" => ParseGpt2(reader),
            _ => throw new ModelConfigException($"{source}: architecture '{architecture}' is not supported (LlamaForCausalLM, Gemma2ForCausalLM, GPT2LMHeadModel)"),
        };
    }

    static ModelConfig ParseLlama(ConfigReader r) => Validated(
        RotaryDecoder(r, Architecture.Llama, "llama", maxPositions: 2048, tiedByDefault: false) with { RopeScaling = r.Llama3RopeScaling() },
        r.Source);

    static ModelConfig ParseGemma2(ConfigReader r)
    {
        var config = RotaryDecoder(r, Architecture.Gemma2, "gemma2", maxPositions: 8192, tiedByDefault: true);
        return Validated(config with
        {
            QueryPreAttnScalar = r.Double("query_pre_attn_scalar", config.HeadDim),
            AttnLogitSoftcap = r.OptionalDouble("attn_logit_softcapping"),
            FinalLogitSoftcap = r.OptionalDouble("final_logit_softcapping"),
            SlidingWindow = r.OptionalInt("sliding_window"),
        }, r.Source);
    }

    /// <summary>The keys Llama and Gemma-2 configs share (Hugging Face names), with each architecture's defaults.</summary>
    static ModelConfig RotaryDecoder(ConfigReader r, Architecture architecture, string modelType, int maxPositions, bool tiedByDefault)
    {
        int d = r.Int("hidden_size"), heads = r.Int("num_attention_heads");
        RequireHeadDim(r, d, heads);
        return new ModelConfig
        {
            Architecture = architecture,
            ModelType = r.String("model_type", modelType),
            DModel = d,
            LayerCount = r.Int("num_hidden_layers"),
            HeadCount = heads,
            KvHeadCount = r.Int("num_key_value_heads", heads),
            HeadDim = r.Int("head_dim", d / heads),
            FeedForwardDim = r.Int("intermediate_size"),
            VocabSize = r.Int("vocab_size"),
            MaxPositions = r.Int("max_position_embeddings", maxPositions),
            NormEps = r.Double("rms_norm_eps", 1e-6),
            RopeTheta = r.Double("rope_theta", 10000),
            TieWordEmbeddings = r.Bool("tie_word_embeddings", tiedByDefault),
            BosId = r.OptionalInt("bos_token_id"),
            EosIds = r.IntOrInts("eos_token_id"),
            PadId = r.OptionalInt("pad_token_id"),
        };
    }

    static ModelConfig ParseGpt2(ConfigReader r)
    {
        int d = r.Int("n_embd"), heads = r.Int("n_head");
        var config = new ModelConfig
        {
            Architecture = Architecture.Gpt2,
            ModelType = r.String("model_type", "gpt2"),
            DModel = d,
            LayerCount = r.Int("n_layer"),
            HeadCount = heads,
            KvHeadCount = heads,
            HeadDim = d / heads,
            FeedForwardDim = r.Int("n_inner", 4 * d),
            VocabSize = r.Int("vocab_size"),
            MaxPositions = r.Int("n_positions", 1024),
            NormEps = r.Double("layer_norm_epsilon", 1e-5),
            TieWordEmbeddings = r.Bool("tie_word_embeddings", true),
            BosId = r.OptionalInt("bos_token_id"),
            EosIds = r.IntOrInts("eos_token_id"),
        };
        return Validated(config, r.Source);
    }

    /// <summary>Without an explicit head_dim the head size is hidden_size / heads, which must divide exactly.</summary>
    static void RequireHeadDim(ConfigReader r, int d, int heads)
    {
        if (r.OptionalInt("head_dim") is null && (heads <= 0 || d % heads != 0))
            throw new ModelConfigException($"{r.Source}: hidden_size {d} is not divisible by num_attention_heads {heads} and there is no head_dim");
    }

    static ModelConfig Validated(ModelConfig c, string source)
    {
        void Require(bool ok, string message) { if (!ok) throw new ModelConfigException($"{source}: {message}"); }
        Require(c.DModel > 0 && c.LayerCount > 0 && c.HeadCount > 0 && c.KvHeadCount > 0 && c.HeadDim > 0 && c.FeedForwardDim > 0 && c.VocabSize > 0,
            "sizes (hidden size, layers, heads, head_dim, intermediate size, vocab size) must all be positive");
        Require(c.HeadCount % c.KvHeadCount == 0, $"num_attention_heads {c.HeadCount} is not a multiple of num_key_value_heads {c.KvHeadCount}");
        Require(c.HeadDim % 2 == 0 || c.Architecture == Architecture.Gpt2, $"head_dim {c.HeadDim} must be even for rotary embeddings");
        Require(c.Architecture != Architecture.Gpt2 || c.DModel % c.HeadCount == 0, $"n_embd {c.DModel} is not divisible by n_head {c.HeadCount}");
        Require(c.NormEps > 0 && double.IsFinite(c.NormEps), "the norm epsilon must be a positive number");
        Require(c.RopeTheta > 0 && double.IsFinite(c.RopeTheta), "rope_theta must be a positive number");
        Require(c.MaxPositions > 0, "the maximum position count must be positive");
        return c;
    }
}
