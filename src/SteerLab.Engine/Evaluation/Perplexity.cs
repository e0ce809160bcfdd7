using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation;

/// <summary>How well the model predicts one sequence: the summed log-likelihood (natural log) of its scored
/// tokens, each given everything before it.</summary>
public sealed record SequenceLikelihood(int ScoredTokens, double LogLikelihood)
{
    /// <summary>Mean log-likelihood per scored token (what "log-likelihood shift of positive vs negative
    /// sentences" compares, so sentences of different lengths weigh alike).</summary>
    public double MeanLogLikelihood => LogLikelihood / ScoredTokens;
}

/// <summary>Per-sequence likelihoods and the batch's token-weighted perplexity exp(Σ NLL / Σ tokens).</summary>
public sealed record PerplexityResult(IReadOnlyList<SequenceLikelihood> Sequences)
{
    public long TokenCount => Sequences.Sum(s => (long)s.ScoredTokens);
    public double MeanNegativeLogLikelihood => -Sequences.Sum(s => s.LogLikelihood) / TokenCount;
    public double Value => Math.Exp(MeanNegativeLogLikelihood);
}

/// <summary>Perplexity and log-likelihoods of token sequences under optional hooks (DESIGN §6, side effects:
/// perplexity inflation on held-out text). One teacher-forced forward per left-padded batch.
/// <para>Each sequence's first <c>contextLength</c> tokens (default 1: the BOS or first token, which nothing
/// predicts) are context only; tokens from there on are scored. The forward declares the context as the prompt
/// (ForwardInput.PromptLengths), so hooks built with <see cref="PositionScope.Generated"/> steer exactly the
/// positions they would steer if the scored tokens had been generated after that prompt — the first scored
/// token is predicted from the last context position, unsteered, as in generation. Use
/// <see cref="PositionScope.All"/> to steer every position, context included.</para>
/// <para>Memory: each forward returns float32 logits [batch, longest, vocab]; choose the batch size with
/// batch × length × vocab × 4 bytes in mind (Gemma's vocabulary is 256k).</para></summary>
public static class Perplexity
{
    public static PerplexityResult Measure(TransformerModel model, IReadOnlyList<IReadOnlyList<int>> sequences, HookSet? hooks = null,
        IReadOnlyList<int>? contextLengths = null, int batchSize = 8, int padId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("no sequences to score");
        LeftPaddedBatch.Validate(model, sequences, "sequence", minLength: 2, padId);
        var context = contextLengths ?? Enumerable.Repeat(1, sequences.Count).ToArray();
        if (context.Count != sequences.Count)
            throw new ArgumentException($"{context.Count} context lengths for {sequences.Count} sequences");
        for (int i = 0; i < sequences.Count; i++)
            if (context[i] < 1 || context[i] >= sequences[i].Count)
                throw new ArgumentException($"sequence {i}: context length {context[i]} must be in [1, {sequences[i].Count - 1}] so that at least one token is scored");

        var result = new SequenceLikelihood[sequences.Count];
        foreach (var indices in LeftPaddedBatch.ByLength(sequences.Select(s => s.Count).ToList(), batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var rows = indices.Select(i => sequences[i]).ToList();
            using var batch = new LeftPaddedBatch(rows, padId);
            var logits = model.Forward(batch.Input(indices.Select(i => context[i]).ToArray(), hooks, lastLogitsOnly: false)); // [b, L, vocab]
            long predicting = batch.Longest - 1;
            var inputs = logits.narrow(1, 0, predicting);                                   // [b, L−1, vocab]: column t predicts t+1
            var targets = batch.Ids.narrow(1, 1, predicting).to(logits.device).unsqueeze(-1);  // [b, L−1, 1]
            var logProbabilities = (inputs.gather(-1, targets).squeeze(-1) - inputs.logsumexp(-1)) // [b, L−1]
                .to(ScalarType.Float64).cpu().data<double>().ToArray();
            for (int r = 0; r < indices.Length; r++)
            {
                int i = indices[r];
                // Target column of real position c is pad + c; its prediction sits one column to the left.
                int first = batch.PadCounts[r] + context[i] - 1;
                double sum = 0;
                for (long t = first; t < predicting; t++) sum += logProbabilities[r * predicting + t];
                result[i] = new SequenceLikelihood(sequences[i].Count - context[i], sum);
            }
        }
        return new PerplexityResult(result);
    }

    /// <summary>Perplexity of texts: each is encoded with the tokenizer's BOS first (when it has one), which is
    /// then the context and not scored; without a BOS the text's first token is the context.</summary>
    public static PerplexityResult MeasureTexts(TransformerModel model, ITextTokenizer tokenizer, IReadOnlyList<string> texts,
        HookSet? hooks = null, int batchSize = 8, int padId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        var sequences = new List<IReadOnlyList<int>>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            var ids = tokenizer.Encode(texts[i] ?? throw new ArgumentException($"text {i} is null"), addBos: true);
            if (ids.Count < 2) throw new ArgumentException($"text {i} encodes to {ids.Count} token(s); at least 2 are needed to score one");
            sequences.Add(ids);
        }
        return Measure(model, sequences, hooks, contextLengths: null, batchSize, padId, cancellationToken);
    }
}
