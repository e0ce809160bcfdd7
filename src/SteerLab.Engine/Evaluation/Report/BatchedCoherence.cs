using System.Globalization;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>The coherence score of <see cref="PerplexityCoherence.Score"/> — 10 · min(1, reference perplexity / perplexity of
/// the answer given its question, under the unsteered model) — for many answers at once: one left-padded forward per batch
/// instead of one forward per answer, which is most of the cost on a CPU. Same tokens scored, same mapping
/// (<see cref="PerplexityCoherence.FromPerplexity"/>), same Failed judgements for empty answers.</summary>
public sealed class BatchedCoherence(TransformerModel model, ITextTokenizer tokenizer, double referencePerplexity, int batchSize = 16)
{
    public double ReferencePerplexity { get; } = referencePerplexity;

    public IReadOnlyList<Judgement> Score(IReadOnlyList<(string Question, string Answer)> answers, CancellationToken cancellation = default)
    {
        var result = new Judgement[answers.Count];
        var sequences = new List<IReadOnlyList<int>>();
        var contexts = new List<int>();
        var positions = new List<int>();
        var cut = new List<bool>();
        int limit = model.Config.MaxPositions;
        for (int i = 0; i < answers.Count; i++)
        {
            var (question, answer) = answers[i];
            var context = tokenizer.Encode(question, addBos: true);
            var all = tokenizer.Encode(question + answer, addBos: true);
            int shared = 0;
            while (shared < context.Count && shared < all.Count && context[shared] == all[shared]) shared++;
            if (shared >= all.Count) { result[i] = Judgement.NotScored(JudgementStatus.Failed, "", "the answer is empty: no tokens to score"); continue; }
            shared = Math.Max(shared, 1);
            if (shared >= limit) { result[i] = Judgement.NotScored(JudgementStatus.Failed, "", $"the question alone fills the model's {limit} positions"); continue; }
            sequences.Add(all.Take(limit).ToArray());
            contexts.Add(shared);
            positions.Add(i);
            cut.Add(all.Count > limit);
        }
        if (sequences.Count > 0)
        {
            var measured = Perplexity.Measure(model, sequences, hooks: null, contexts, batchSize, model.Config.PadId ?? 0, cancellation);
            for (int j = 0; j < sequences.Count; j++)
            {
                var sequence = measured.Sequences[j];
                double perplexity = Math.Exp(-sequence.LogLikelihood / sequence.ScoredTokens);
                string raw = string.Create(CultureInfo.InvariantCulture,
                    $"perplexity {perplexity:G6} over {sequence.ScoredTokens} answer tokens (reference {ReferencePerplexity:G6}){(cut[j] ? $"; answer cut to fit {limit} positions" : "")}");
                result[positions[j]] = Judgement.Scored(PerplexityCoherence.FromPerplexity(perplexity, ReferencePerplexity), raw, promptTokens: sequences[j].Count);
            }
        }
        return result;
    }
}
