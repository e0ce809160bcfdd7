using SteerLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>A model with random weights, built in memory, plus what the benchmark reports about its size.</summary>
public sealed class RandomModel(string name, TransformerModel model, long parameterCount, long embeddingBytes) : IDisposable
{
    public string Name { get; } = name;
    public TransformerModel Model { get; } = model;
    /// <summary>Distinct parameters (a tied embedding/unembedding table counts once).</summary>
    public long ParameterCount { get; } = parameterCount;
    /// <summary>Bytes of the token embedding table (also the unembedding when tied).</summary>
    public long EmbeddingBytes { get; } = embeddingBytes;

    public void Dispose() => Model.Dispose();
}

/// <summary>Random models of real shapes for throughput measurements: weights normal(0, 0.02), norm gains one,
/// biases zero, laid out exactly as the loaders lay out a checkpoint. Real weights are not needed to time a
/// forward pass: the work depends only on the shapes.</summary>
public static class RandomModels
{
    public const double WeightStd = 0.02;

    /// <summary>GPT-2 small (124M): d 768, 12 layers, 12 heads, vocab 50257, 1024 positions, ff 3072, tied head.</summary>
    public static ModelConfig Gpt2Small { get; } = new()
    {
        Architecture = Architecture.Gpt2,
        ModelType = "gpt2",
        DModel = 768,
        LayerCount = 12,
        HeadCount = 12,
        KvHeadCount = 12,
        HeadDim = 64,
        FeedForwardDim = 3072,
        VocabSize = 50257,
        MaxPositions = 1024,
        NormEps = 1e-5,
        TieWordEmbeddings = true,
    };

    /// <summary>Two layers of Gemma-2-2B's dimensions (the real model has 26): the 256000 × 2304 tied
    /// embedding keeps its full size, so it dominates the weight bytes.</summary>
    public static ModelConfig Gemma2Slice { get; } = new()
    {
        Architecture = Architecture.Gemma2,
        ModelType = "gemma2",
        DModel = 2304,
        LayerCount = 2,
        HeadCount = 8,
        KvHeadCount = 4,
        HeadDim = 256,
        FeedForwardDim = 9216,
        VocabSize = 256000,
        MaxPositions = 8192,
        NormEps = 1e-6,
        RopeTheta = 10000,
        TieWordEmbeddings = true,
        QueryPreAttnScalar = 256,
        AttnLogitSoftcap = 50,
        FinalLogitSoftcap = 30,
        SlidingWindow = 4096,
    };

    public static RandomModel Build(string name, ModelConfig config, ScalarType weightType, ulong seed = 1) => config.Architecture switch
    {
        Architecture.Gpt2 => BuildGpt2(name, config, weightType, seed),
        Architecture.Gemma2 => BuildGemma2(name, config, weightType, seed),
        _ => throw new NotSupportedException($"no random builder for {config.Architecture}"),
    };

    /// <summary>GPT-2 tensors under their Hugging Face names (no <c>transformer.</c> prefix), Conv1D weights
    /// [in, out]; everything in <paramref name="weightType"/>, as <see cref="Gpt2.Load"/> loads them. The same
    /// seed gives the same values in either type (drawn in float32, then rounded).</summary>
    public static List<KeyValuePair<string, Tensor>> Gpt2Tensors(ModelConfig c, ScalarType weightType, ulong seed = 1)
    {
        using var generator = new Generator(seed);
        var draw = new Draw(generator, weightType);
        long d = c.DModel, ff = c.FeedForwardDim;
        var tensors = new List<KeyValuePair<string, Tensor>>();
        void Add(string name, Tensor tensor) => tensors.Add(new(name, tensor));
        Add("wte.weight", draw.Normal(c.VocabSize, d));
        Add("wpe.weight", draw.Normal(c.MaxPositions, d));
        for (int l = 0; l < c.LayerCount; l++)
        {
            string p = $"h.{l}.";
            Add(p + "ln_1.weight", draw.Ones(d));
            Add(p + "ln_1.bias", draw.Zeros(d));
            Add(p + "attn.c_attn.weight", draw.Normal(d, 3 * d));
            Add(p + "attn.c_attn.bias", draw.Zeros(3 * d));
            Add(p + "attn.c_proj.weight", draw.Normal(d, d));
            Add(p + "attn.c_proj.bias", draw.Zeros(d));
            Add(p + "ln_2.weight", draw.Ones(d));
            Add(p + "ln_2.bias", draw.Zeros(d));
            Add(p + "mlp.c_fc.weight", draw.Normal(d, ff));
            Add(p + "mlp.c_fc.bias", draw.Zeros(ff));
            Add(p + "mlp.c_proj.weight", draw.Normal(ff, d));
            Add(p + "mlp.c_proj.bias", draw.Zeros(d));
        }
        Add("ln_f.weight", draw.Ones(d));
        Add("ln_f.bias", draw.Zeros(d));
        return tensors;
    }

    static RandomModel BuildGpt2(string name, ModelConfig c, ScalarType weightType, ulong seed)
    {
        var named = Gpt2Tensors(c, weightType, seed).ToDictionary(pair => pair.Key, pair => pair.Value);
        Tensor T(string key) => named[key];
        var layers = Enumerable.Range(0, c.LayerCount).Select(l =>
        {
            string p = $"h.{l}.";
            return new Gpt2.LayerWeights(T(p + "ln_1.weight"), T(p + "ln_1.bias"), T(p + "attn.c_attn.weight"), T(p + "attn.c_attn.bias"),
                T(p + "attn.c_proj.weight"), T(p + "attn.c_proj.bias"), T(p + "ln_2.weight"), T(p + "ln_2.bias"),
                T(p + "mlp.c_fc.weight"), T(p + "mlp.c_fc.bias"), T(p + "mlp.c_proj.weight"), T(p + "mlp.c_proj.bias"));
        }).ToList();
        var weights = new Gpt2.Weights(T("wte.weight"), T("wpe.weight"), layers, T("ln_f.weight"), T("ln_f.bias"));
        var model = new Gpt2(c, weights, weightType, CPU);
        return new RandomModel(name, model, named.Values.Sum(t => t.NumberOfElements), Bytes(T("wte.weight")));
    }

    /// <summary>Gemma-2 weights as <see cref="Gemma2.Load"/> holds them: projections [out, in] in the weight type,
    /// norms as (1 + w) in float32 with w = 0 (a fresh Gemma norm), the head tied to the embedding.</summary>
    static RandomModel BuildGemma2(string name, ModelConfig c, ScalarType weightType, ulong seed)
    {
        using var generator = new Generator(seed);
        var draw = new Draw(generator, weightType);
        var norm = new Draw(generator, ScalarType.Float32);
        long d = c.DModel, q = c.HeadCount * c.HeadDim, kv = c.KvHeadCount * c.HeadDim, ff = c.FeedForwardDim;
        var embedding = draw.Normal(c.VocabSize, d);
        var layers = Enumerable.Range(0, c.LayerCount).Select(_ => new Gemma2.LayerWeights(
            norm.Ones(d), draw.Normal(q, d), draw.Normal(kv, d), draw.Normal(kv, d), draw.Normal(d, q),
            norm.Ones(d), norm.Ones(d), draw.Normal(ff, d), draw.Normal(ff, d), draw.Normal(d, ff), norm.Ones(d))).ToList();
        var finalNorm = norm.Ones(d);
        var model = new Gemma2(c, new Gemma2.Weights(embedding, layers, finalNorm, LmHead: embedding), weightType, CPU);
        long parameters = embedding.NumberOfElements + finalNorm.NumberOfElements + layers.SelectMany(l => l.All).Sum(t => t.NumberOfElements);
        return new RandomModel(name, model, parameters, Bytes(embedding));
    }

    static long Bytes(Tensor t) => t.NumberOfElements * t.ElementSize;

    /// <summary>Creates weight tensors outside any caller's dispose scope (the model owns them).</summary>
    sealed class Draw(Generator generator, ScalarType type)
    {
        public Tensor Normal(params long[] shape)
        {
            using var std = WeightStd.ToScalar();
            var values = randn(shape, ScalarType.Float32, generator: generator).mul_(std);
            if (type == ScalarType.Float32) return values.DetachFromDisposeScope();
            using (values) return values.to(type).DetachFromDisposeScope();
        }

        public Tensor Ones(long size) => ones(size, type).DetachFromDisposeScope();
        public Tensor Zeros(long size) => zeros(size, type).DetachFromDisposeScope();
    }
}
