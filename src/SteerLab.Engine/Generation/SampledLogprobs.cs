using static TorchSharp.torch;

namespace SteerLab.Engine.Generation;

/// <summary>How likely the model found a generated token and its strongest alternatives at that step. The
/// probabilities are the model's own (log-softmax of the raw logits, temperature 1, before top-k/top-p cuts), as
/// OpenAI reports <c>logprobs</c>: they describe the model, not the sampler, so they are comparable across sampling
/// settings and equal for greedy and sampled runs.</summary>
/// <param name="Logprob">Natural-log probability of the chosen token.</param>
/// <param name="Top">The most likely tokens at that step, most likely first (the chosen one may or may not be among them).</param>
public sealed record SampledLogprobs(double Logprob, IReadOnlyList<TokenAlternative> Top)
{
    /// <summary>The largest number of alternatives a caller may ask for (OpenAI's own limit).</summary>
    public const int MaxTop = 20;

    /// <summary>Reads the chosen token's logprob and the <paramref name="top"/> most likely tokens from one row's
    /// logits [vocab].</summary>
    public static SampledLogprobs Read(Tensor logits, int chosenId, int top)
    {
        using var scope = NewDisposeScope();
        var logprobs = logits.to(ScalarType.Float32).log_softmax(0); // [vocab]
        int k = (int)Math.Min(top, logprobs.shape[0]);
        var (values, indices) = logprobs.topk(k); // sorted, most likely first
        var topValues = values.cpu().data<float>().ToArray();
        var topIds = indices.cpu().data<long>().ToArray();
        double chosen = logprobs[chosenId].item<float>();
        var alternatives = new TokenAlternative[k];
        for (int i = 0; i < k; i++) alternatives[i] = new TokenAlternative((int)topIds[i], topValues[i]);
        return new SampledLogprobs(chosen, alternatives);
    }
}

/// <summary>A token the model could have produced, with its natural-log probability.</summary>
public sealed record TokenAlternative(int Id, double Logprob);
