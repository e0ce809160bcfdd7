using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Models;

/// <summary>Scaled dot-product attention with grouped-query heads, an optional tanh soft-cap on the logits
/// (Gemma-2) and a boolean mask. Runs in float32 whatever the weight type.</summary>
static class AttentionMath
{
    /// <param name="q">[batch, heads, seq, head_dim]</param>
    /// <param name="k">[batch, kv_heads, keys, head_dim]</param>
    /// <param name="v">[batch, kv_heads, keys, head_dim]</param>
    /// <param name="mask">[batch, 1, seq, keys] bool (true = may attend), or null for "all keys"</param>
    /// <returns>[batch, seq, heads * head_dim]</returns>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask, double scale, double? softcap)
    {
        long heads = q.shape[1], kvHeads = k.shape[1];
        if (heads != kvHeads)
        {
            k = k.repeat_interleave(heads / kvHeads, dim: 1);
            v = v.repeat_interleave(heads / kvHeads, dim: 1);
        }
        using var scaleScalar = scale.ToScalar();
        var scores = q.matmul(k.transpose(2, 3)).mul_(scaleScalar);
        if (softcap is double cap)
        {
            using var capScalar = cap.ToScalar();
            scores = scores.div_(capScalar).tanh_().mul_(capScalar);
        }
        if (mask is not null) scores = scores.masked_fill(mask.logical_not(), TorchScalars.NegativeInfinity);
        var weights = scores.softmax(-1);
        var output = weights.matmul(v); // [batch, heads, seq, head_dim]
        return output.transpose(1, 2).reshape(q.shape[0], q.shape[2], heads * q.shape[3]);
    }

    /// <summary>Llama RMSNorm: float32 x / rms(x), cast back, times the weight.</summary>
    public static Tensor RmsNorm(Tensor x, Tensor weight, double eps)
    {
        using var epsilon = eps.ToScalar();
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * x32.pow(TorchScalars.Two).mean([-1], keepdim: true).add_(epsilon, TorchScalars.One).rsqrt_();
        return weight * normed.to(x.dtype);
    }

    /// <summary>Gemma RMSNorm: float32 x / rms(x) * (1 + w), then cast to the input type.</summary>
    public static Tensor GemmaRmsNorm(Tensor x, Tensor weightPlusOne, double eps)
    {
        using var epsilon = eps.ToScalar();
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * x32.pow(TorchScalars.Two).mean([-1], keepdim: true).add_(epsilon, TorchScalars.One).rsqrt_();
        return (normed * weightPlusOne).to(x.dtype);
    }
}
