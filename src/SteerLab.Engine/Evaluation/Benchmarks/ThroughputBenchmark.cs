using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>How long to measure: a prompt of <see cref="PromptLength"/> tokens timed <see cref="PrefillRuns"/>
/// times after one warm-up; then, after one more prefill and <see cref="DecodeWarmupSteps"/> untimed steps,
/// <see cref="DecodeSteps"/> timed single-token steps.</summary>
public sealed record ThroughputOptions(int PromptLength = 128, int PrefillRuns = 3, int DecodeSteps = 32, int DecodeWarmupSteps = 2)
{
    public void Validate()
    {
        if (PromptLength < 1 || PrefillRuns < 1 || DecodeSteps < 1 || DecodeWarmupSteps < 0)
            throw new ArgumentException($"throughput options must be positive: {this}");
    }
}

/// <param name="PrefillSeconds">each timed prefill of the whole prompt</param>
/// <param name="DecodeSecondsPerToken">each timed decode step (one token)</param>
public sealed record ThroughputResult(IReadOnlyList<double> PrefillSeconds, IReadOnlyList<double> DecodeSecondsPerToken, int PromptLength)
{
    public double PrefillMedianSeconds => Timing.Median(PrefillSeconds);
    public double DecodeMedianSecondsPerToken => Timing.Median(DecodeSecondsPerToken);
    public double PrefillTokensPerSecond => PromptLength / PrefillMedianSeconds;
    public double DecodeTokensPerSecond => 1 / DecodeMedianSecondsPerToken;
}

/// <summary>Prefill and decode speed of a model at batch 1, the way generation runs it: a fresh KV cache per
/// prompt, logits for the last column only, each decode step feeding the previous step's greedy token.</summary>
public static class ThroughputBenchmark
{
    public static ThroughputResult Measure(TransformerModel model, ThroughputOptions options, ulong seed = 7)
    {
        options.Validate();
        using var generator = new Generator(seed);
        using var prompt = randint(0, model.Config.VocabSize, [1, options.PromptLength], ScalarType.Int64, generator: generator); // [1, seq]
        int capacity = options.PromptLength + options.DecodeWarmupSteps + options.DecodeSteps;

        var prefill = Timing.Repeat(() =>
        {
            using var cache = model.NewCache(capacity);
            using var logits = model.Forward(new ForwardInput { InputIds = prompt, Cache = cache, LastLogitsOnly = true });
        }, options.PrefillRuns);

        var decode = new List<double>(options.DecodeSteps);
        using (var cache = model.NewCache(capacity))
        {
            var next = GreedyNext(model.Forward(new ForwardInput { InputIds = prompt, Cache = cache, LastLogitsOnly = true }));
            for (int step = 0; step < options.DecodeWarmupSteps + options.DecodeSteps; step++)
            {
                var input = next;
                double seconds = Timing.Seconds(() => next = GreedyNext(model.Forward(new ForwardInput { InputIds = input, Cache = cache, LastLogitsOnly = true })));
                input.Dispose();
                if (step >= options.DecodeWarmupSteps) decode.Add(seconds);
            }
            next.Dispose();
        }
        return new ThroughputResult(prefill, decode, options.PromptLength);
    }

    /// <summary>[1, 1, vocab] logits → [1, 1] token id; disposes the logits.</summary>
    static Tensor GreedyNext(Tensor logits)
    {
        using (logits) return logits.argmax(-1);
    }
}
