using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SteerLab.Engine.Models;

/// <summary>GPT2LMHeadModel: learned positions, pre-LayerNorm blocks, fused QKV, tanh-GELU MLP, tied head.
/// GPT-2 stores its Conv1D weights as [in, out], so they multiply from the right. Tensor names are accepted
/// with or without the <c>transformer.</c> prefix (the public checkpoint has none); attention bias buffers
/// are ignored.</summary>
public sealed class Gpt2 : TransformerModel
{
    public sealed record LayerWeights(Tensor Ln1Weight, Tensor Ln1Bias, Tensor QkvWeight, Tensor QkvBias, Tensor AttnProjWeight,
        Tensor AttnProjBias, Tensor Ln2Weight, Tensor Ln2Bias, Tensor FcWeight, Tensor FcBias, Tensor MlpProjWeight, Tensor MlpProjBias)
    {
        public IEnumerable<Tensor> All => [Ln1Weight, Ln1Bias, QkvWeight, QkvBias, AttnProjWeight, AttnProjBias, Ln2Weight, Ln2Bias, FcWeight, FcBias, MlpProjWeight, MlpProjBias];
    }

    public sealed record Weights(Tensor TokenEmbedding, Tensor PositionEmbedding, IReadOnlyList<LayerWeights> Layers, Tensor FinalNormWeight, Tensor FinalNormBias);

    readonly Weights w;

    public Gpt2(ModelConfig config, Weights weights, ScalarType weightType, Device device, IDisposable? weightSource = null)
        : base(config, weightType, device, weightSource) => w = weights;

    public static Gpt2 Load(ModelConfig c, CheckpointWeights ckpt, ScalarType dtype, Device device)
    {
        string prefix = ckpt.Contains("transformer.wte.weight") ? "transformer." : "";
        Tensor Get(string name, params long[] shape) => ckpt.Load(prefix + name, dtype, shape).to(device);
        int d = c.DModel, ff = c.FeedForwardDim;
        var layers = Enumerable.Range(0, c.LayerCount).Select(l =>
        {
            string p = $"h.{l}.";
            return new LayerWeights(
                Get(p + "ln_1.weight", d), Get(p + "ln_1.bias", d),
                Get(p + "attn.c_attn.weight", d, 3 * d), Get(p + "attn.c_attn.bias", 3 * d),
                Get(p + "attn.c_proj.weight", d, d), Get(p + "attn.c_proj.bias", d),
                Get(p + "ln_2.weight", d), Get(p + "ln_2.bias", d),
                Get(p + "mlp.c_fc.weight", d, ff), Get(p + "mlp.c_fc.bias", ff),
                Get(p + "mlp.c_proj.weight", ff, d), Get(p + "mlp.c_proj.bias", d));
        }).ToList();
        var weights = new Weights(Get("wte.weight", c.VocabSize, d), Get("wpe.weight", c.MaxPositions, d), layers,
            Get("ln_f.weight", d), Get("ln_f.bias", d));
        return new Gpt2(c, weights, dtype, device, ckpt);
    }

    private protected override Tensor Forward(Tensor ids, ForwardState s, KvCache? cache)
    {
        var x = Embed(w.TokenEmbedding, ids).add(Embed(w.PositionEmbedding, s.RopePositions), TorchScalars.One);
        for (int l = 0; l < w.Layers.Count; l++)
        {
            var layer = w.Layers[l];
            x = s.Hook(l, HookKind.ResidPre, x);
            var h = LayerNorm(x, layer.Ln1Weight, layer.Ln1Bias);
            var attention = Conv1D(Attention(l, Conv1D(h, layer.QkvWeight, layer.QkvBias), s, cache), layer.AttnProjWeight, layer.AttnProjBias);
            x = x.add(s.Hook(l, HookKind.AttnOut, attention), TorchScalars.One);
            h = LayerNorm(x, layer.Ln2Weight, layer.Ln2Bias);
            var mlp = Conv1D(Gemma2.GeluTanh(Conv1D(h, layer.FcWeight, layer.FcBias)), layer.MlpProjWeight, layer.MlpProjBias);
            x = x.add(s.Hook(l, HookKind.MlpOut, mlp), TorchScalars.One);
            x = s.Hook(l, HookKind.ResidPost, x);
        }
        return LayerNorm(x, w.FinalNormWeight, w.FinalNormBias);
    }

    Tensor Attention(int l, Tensor qkv, ForwardState s, KvCache? cache)
    {
        long b = s.Batch, t = s.Seq, d = Config.DModel, hd = Config.HeadDim;
        Tensor Heads(long offset) => qkv.narrow(2, offset, d).view(b, t, Config.HeadCount, hd).transpose(1, 2).to(ScalarType.Float32);
        Tensor q = Heads(0), k = Heads(d), v = Heads(2 * d);
        if (cache is not null) (k, v) = cache.Append(l, k, v);
        return AttentionMath.Attend(q, k, v, s.Mask, 1.0 / Math.Sqrt(hd), softcap: null).to(WeightType);
    }

    static Tensor Conv1D(Tensor x, Tensor weight, Tensor bias) => x.matmul(weight).add_(bias, TorchScalars.One);

    Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias) => layer_norm(x, [Config.DModel], weight, bias, Config.NormEps);

    public override Tensor Unembedding => w.TokenEmbedding;

    protected override Tensor Logits(Tensor hidden) => linear(hidden, w.TokenEmbedding);

    protected override IEnumerable<Tensor> WeightTensors =>
        w.Layers.SelectMany(l => l.All).Concat([w.TokenEmbedding, w.PositionEmbedding, w.FinalNormWeight, w.FinalNormBias]);
}
