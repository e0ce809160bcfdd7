using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SteerLab.Engine.Models;

/// <summary>Gemma2ForCausalLM. The details that are easy to get wrong: embeddings times sqrt(d_model) (in the
/// hidden dtype); four RMSNorms per block computing x/rms·(1 + w) in float32; attention scale
/// query_pre_attn_scalar^-0.5; tanh soft-cap on attention logits; sliding-window attention on even layers
/// (query i sees key j when i − j &lt; window); GeGLU with tanh GELU; tanh soft-cap on the final logits.</summary>
public sealed class Gemma2 : TransformerModel
{
    /// <summary>Norm weights are stored as (1 + w) in float32, as the norm uses them.</summary>
    public sealed record LayerWeights(Tensor InputNorm, Tensor Q, Tensor K, Tensor V, Tensor O, Tensor PostAttentionNorm,
        Tensor PreFeedForwardNorm, Tensor Gate, Tensor Up, Tensor Down, Tensor PostFeedForwardNorm)
    {
        public IEnumerable<Tensor> All => [InputNorm, Q, K, V, O, PostAttentionNorm, PreFeedForwardNorm, Gate, Up, Down, PostFeedForwardNorm];
    }

    public sealed record Weights(Tensor Embedding, IReadOnlyList<LayerWeights> Layers, Tensor FinalNorm, Tensor LmHead);

    readonly Weights w;
    readonly RotaryEmbedding rope;

    public Gemma2(ModelConfig config, Weights weights, ScalarType weightType, Device device, IDisposable? weightSource = null)
        : base(config, weightType, device, weightSource)
    {
        w = weights;
        rope = new RotaryEmbedding(config.HeadDim, config.RopeTheta, scaling: null, device);
    }

    protected override int? SlidingWindow => Config.SlidingWindow;

    public static Gemma2 Load(ModelConfig c, CheckpointWeights ckpt, ScalarType dtype, Device device)
    {
        Tensor Get(string name, params long[] shape) => ckpt.Load(name, dtype, shape).to(device);
        Tensor Norm(string name) { using var raw = ckpt.Load(name, ScalarType.Float32, c.DModel); using var one = 1.0f.ToScalar(); return raw.add(one, TorchScalars.One).to(device); }
        int d = c.DModel, q = c.HeadCount * c.HeadDim, kv = c.KvHeadCount * c.HeadDim, ff = c.FeedForwardDim;
        var layers = Enumerable.Range(0, c.LayerCount).Select(l =>
        {
            string p = $"model.layers.{l}.";
            return new LayerWeights(
                Norm(p + "input_layernorm.weight"),
                Get(p + "self_attn.q_proj.weight", q, d), Get(p + "self_attn.k_proj.weight", kv, d),
                Get(p + "self_attn.v_proj.weight", kv, d), Get(p + "self_attn.o_proj.weight", d, q),
                Norm(p + "post_attention_layernorm.weight"), Norm(p + "pre_feedforward_layernorm.weight"),
                Get(p + "mlp.gate_proj.weight", ff, d), Get(p + "mlp.up_proj.weight", ff, d), Get(p + "mlp.down_proj.weight", d, ff),
                Norm(p + "post_feedforward_layernorm.weight"));
        }).ToList();
        var embedding = Get("model.embed_tokens.weight", c.VocabSize, d);
        var head = c.TieWordEmbeddings || !ckpt.Contains("lm_head.weight") ? embedding : Get("lm_head.weight", c.VocabSize, d);
        return new Gemma2(c, new Weights(embedding, layers, Norm("model.norm.weight"), head), dtype, device, ckpt);
    }

    private protected override Tensor Forward(Tensor ids, ForwardState s, KvCache? cache)
    {
        double eps = Config.NormEps;
        var x = Embed(w.Embedding, ids);
        x = x * tensor(Math.Sqrt(Config.DModel), x.dtype, x.device); // rounded to the hidden dtype, as Hugging Face does
        var (cos, sin) = rope.Tables(s.RopePositions);
        for (int l = 0; l < w.Layers.Count; l++)
        {
            var layer = w.Layers[l];
            x = s.Hook(l, HookKind.ResidPre, x);
            var attention = Attention(l, layer, AttentionMath.GemmaRmsNorm(x, layer.InputNorm, eps), s, cos, sin, cache);
            x = x.add(s.Hook(l, HookKind.AttnOut, AttentionMath.GemmaRmsNorm(attention, layer.PostAttentionNorm, eps)), TorchScalars.One);
            var h = AttentionMath.GemmaRmsNorm(x, layer.PreFeedForwardNorm, eps);
            var mlp = linear(GeluTanh(linear(h, layer.Gate)) * linear(h, layer.Up), layer.Down);
            x = x.add(s.Hook(l, HookKind.MlpOut, AttentionMath.GemmaRmsNorm(mlp, layer.PostFeedForwardNorm, eps)), TorchScalars.One);
            x = s.Hook(l, HookKind.ResidPost, x);
        }
        return AttentionMath.GemmaRmsNorm(x, w.FinalNorm, eps);
    }

    /// <summary>Even layers attend within the sliding window; odd layers globally.</summary>
    Tensor Attention(int l, LayerWeights layer, Tensor h, ForwardState s, Tensor cos, Tensor sin, KvCache? cache) =>
        RotaryAttention(l, h, layer.Q, layer.K, layer.V, layer.O, s, cos, sin, cache, l % 2 == 0 ? s.SlidingMask : s.Mask,
            Math.Pow(Config.QueryPreAttnScalar, -0.5), Config.AttnLogitSoftcap);

    public override Tensor Unembedding => w.LmHead;

    protected override Tensor Logits(Tensor hidden)
    {
        var logits = linear(hidden, w.LmHead).to(ScalarType.Float32);
        if (Config.FinalLogitSoftcap is not double cap) return logits;
        using var capScalar = cap.ToScalar();
        return logits.div(capScalar).tanh_().mul_(capScalar);
    }

    /// <summary>GELU with the tanh approximation (Hugging Face "gelu_pytorch_tanh").</summary>
    internal static Tensor GeluTanh(Tensor x) => gelu(x, TorchSharp.Modules.GELU.Approximate.tanh);

    protected override IEnumerable<Tensor> WeightTensors =>
        w.Layers.SelectMany(l => l.All).Concat([w.Embedding, w.FinalNorm]).Concat(ReferenceEquals(w.LmHead, w.Embedding) ? [] : [w.LmHead]);

    protected override void DisposeExtras() => rope.Dispose();
}
