using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Generation;

/// <summary>Picks the next token of one row from its float32 logits [vocab] per <see cref="SamplingSettings"/>.</summary>
sealed class TokenSampler : IDisposable
{
    readonly SamplingSettings settings;
    readonly torch.Generator? generator;

    public TokenSampler(SamplingSettings settings)
    {
        settings.Validate();
        this.settings = settings;
        if (!settings.IsGreedy) generator = new torch.Generator(unchecked((ulong)settings.Seed));
    }

    public int Next(Tensor logits)
    {
        using var scope = NewDisposeScope();
        if (settings.IsGreedy) return (int)logits.argmax().item<long>();
        using var temperature = settings.Temperature.ToScalar();
        var scaled = logits.to(ScalarType.Float32).div(temperature);
        if (settings.TopK > 0 && settings.TopK < scaled.shape[0])
        {
            var kth = scaled.topk(settings.TopK).values[settings.TopK - 1];
            scaled = scaled.masked_fill(scaled.lt(kth), TorchScalars.NegativeInfinity);
        }
        if (settings.TopP < 1)
        {
            var (sorted, order) = scaled.sort(descending: true);
            var cumulative = sorted.softmax(0).cumsum(0);
            // Drop a token when the tokens before it already reach top-p; the most likely token always stays.
            using var topP = settings.TopP.ToScalar();
            var drop = (cumulative - sorted.softmax(0)).ge(topP);
            var dropInOriginalOrder = zeros_like(drop).scatter_(0, order, drop);
            scaled = scaled.masked_fill(dropInOriginalOrder, TorchScalars.NegativeInfinity);
        }
        var probabilities = scaled.softmax(0);
        return (int)multinomial(probabilities, 1, replacement: false, generator: generator).item<long>();
    }

    public void Dispose() => generator?.Dispose();
}
