using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SteerLab.Engine.Models;

/// <summary>LlamaForCausalLM: pre-RMSNorm blocks, grouped-query attention with RoPE, SwiGLU MLP, tied or
/// untied head. Weights laid out as the Hugging Face checkpoint lays them out ([out, in]).</summary>
public sealed class Llama : TransformerModel
{
    public sealed record LayerWeights(Tensor InputNorm, Tensor Q, Tensor K, Tensor V, Tensor O,
        Tensor PostAttentionNorm, Tensor Gate, Tensor Up, Tensor Down)
    {
        public IEnumerable<Tensor> All => [InputNorm, Q, K, V, O, PostAttentionNorm, Gate, Up, Down];
    }

    public sealed record Weights(Tensor Embedding, IReadOnlyList<LayerWeights> Layers, Tensor FinalNorm, Tensor LmHead);

    readonly Weights w;
    readonly RotaryEmbedding rope;

    public Llama(ModelConfig config, Weights weights, ScalarType weightType, Device device, IDisposable? weightSource = null)
        : base(config, weightType, device, weightSource)
    {
        w = weights;
        rope = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.RopeScaling, device);
    }

    public Weights Parameters => w;

    public static Llama Load(ModelConfig c, CheckpointWeights ckpt, ScalarType dtype, Device device)
    {
        Tensor Get(string name, params long[] shape) => ckpt.Load(name, dtype, shape).to(device);
        int d = c.DModel, q = c.HeadCount * c.HeadDim, kv = c.KvHeadCount * c.HeadDim, ff = c.FeedForwardDim;
        var layers = Enumerable.Range(0, c.LayerCount).Select(l =>
        {
            string p = $"model.layers.{l}.";
            return new LayerWeights(
                Get(p + "input_layernorm.weight", d),
                Get(p + "self_attn.q_proj.weight", q, d), Get(p + "self_attn.k_proj.weight", kv, d),
                Get(p + "self_attn.v_proj.weight", kv, d), Get(p + "self_attn.o_proj.weight", d, q),
                Get(p + "post_attention_layernorm.weight", d),
                Get(p + "mlp.gate_proj.weight", ff, d), Get(p + "mlp.up_proj.weight", ff, d), Get(p + "mlp.down_proj.weight", d, ff));
        }).ToList();
        var embedding = Get("model.embed_tokens.weight", c.VocabSize, d);
        var head = c.TieWordEmbeddings || !ckpt.Contains("lm_head.weight") ? embedding : Get("lm_head.weight", c.VocabSize, d);
        return new Llama(c, new Weights(embedding, layers, Get("model.norm.weight", d), head), dtype, device, ckpt);
    }

    private protected override Tensor Forward(Tensor ids, ForwardState s, KvCache? cache)
    {
        var x = Embed(w.Embedding, ids);
        var (cos, sin) = rope.Tables(s.RopePositions);
        for (int l = 0; l < w.Layers.Count; l++)
        {
            var layer = w.Layers[l];
            x = s.Hook(l, HookKind.ResidPre, x);
            var attention = Attention(l, layer, AttentionMath.RmsNorm(x, layer.InputNorm, Config.NormEps), s, cos, sin, cache);
            x = x.add(s.Hook(l, HookKind.AttnOut, attention), TorchScalars.One);
            var h = AttentionMath.RmsNorm(x, layer.PostAttentionNorm, Config.NormEps);
            var mlp = linear(silu(linear(h, layer.Gate)) * linear(h, layer.Up), layer.Down);
            x = x.add(s.Hook(l, HookKind.MlpOut, mlp), TorchScalars.One);
            x = s.Hook(l, HookKind.ResidPost, x);
        }
        return AttentionMath.RmsNorm(x, w.FinalNorm, Config.NormEps);
    }

    Tensor Attention(int l, LayerWeights layer, Tensor h, ForwardState s, Tensor cos, Tensor sin, KvCache? cache) =>
        RotaryAttention(l, h, layer.Q, layer.K, layer.V, layer.O, s, cos, sin, cache, s.Mask, 1.0 / Math.Sqrt(Config.HeadDim), softcap: null);

    public override Tensor Unembedding => w.LmHead;

    protected override Tensor Logits(Tensor hidden) => linear(hidden, w.LmHead);

    protected override IEnumerable<Tensor> WeightTensors =>
        w.Layers.SelectMany(l => l.All).Concat([w.Embedding, w.FinalNorm]).Concat(ReferenceEquals(w.LmHead, w.Embedding) ? [] : [w.LmHead]);

    protected override void DisposeExtras() => rope.Dispose();
}
