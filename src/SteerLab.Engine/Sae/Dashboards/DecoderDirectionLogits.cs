using SteerLab.Engine.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SteerLab.Engine.Sae.Dashboards;

/// <summary>The tokens a feature's decoder direction promotes and suppresses: W_dec[f] · W_Uᵀ, the direct effect of
/// writing the feature into the residual stream on the logits, ignoring the final norm and any later layers (as
/// Neuronpedia's "top logits"). For SAEs with input normalisation the direction is in normalised space; only the scale
/// of the values changes, not which tokens top the list.</summary>
public static class DecoderDirectionLogits
{
    /// <summary>One token and its logit contribution.</summary>
    public sealed record TokenLogit(int TokenId, float Logit);

    /// <summary>Per feature: the <paramref name="top"/> largest entries of W_dec[f] · W_Uᵀ (largest first) and the
    /// <paramref name="top"/> smallest (most negative first).</summary>
    /// <param name="unembedding">W_U as the model holds it: [vocab, d_model], any float type and device.</param>
    public static IReadOnlyList<(IReadOnlyList<TokenLogit> Promoted, IReadOnlyList<TokenLogit> Suppressed)> Compute(
        SparseAutoencoder sae, IReadOnlyList<int> features, Tensor unembedding, int top)
    {
        if (unembedding.dim() != 2 || unembedding.shape[1] != sae.DIn)
            throw new ArgumentException($"the unembedding has shape [{string.Join(", ", unembedding.shape)}]; expected [vocab, {sae.DIn}]");
        using var scope = NewDisposeScope();
        int k = (int)Math.Min(top, unembedding.shape[0]);
        using var index = tensor(features.Select(f => (long)f).ToArray(), device: sae.WDec.device);
        var rows = sae.WDec.index_select(0, index).to(unembedding.dtype, unembedding.device); // [features, d]
        var logits = linear(rows, unembedding).to(ScalarType.Float32).cpu(); // [features, vocab]
        var (highValues, highIds) = logits.topk(k, dim: 1, largest: true);
        var (lowValues, lowIds) = logits.topk(k, dim: 1, largest: false);
        float[] hv = highValues.contiguous().data<float>().ToArray(), lv = lowValues.contiguous().data<float>().ToArray();
        long[] hi = highIds.contiguous().data<long>().ToArray(), li = lowIds.contiguous().data<long>().ToArray();
        return Enumerable.Range(0, features.Count).Select(f => (
            (IReadOnlyList<TokenLogit>)Enumerable.Range(f * k, k).Select(i => new TokenLogit((int)hi[i], hv[i])).ToList(),
            (IReadOnlyList<TokenLogit>)Enumerable.Range(f * k, k).Select(i => new TokenLogit((int)li[i], lv[i])).ToList())).ToList();
    }
}
