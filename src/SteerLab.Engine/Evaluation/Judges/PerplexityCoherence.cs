using System.Globalization;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>A non-LLM coherence score: how surprising the answer is to the (unsteered) model, relative to ordinary text.
/// coherence = 10 · min(1, reference perplexity / answer perplexity) = 10 · exp(−max(0, NLL − NLL_ref)): an answer the
/// model finds as predictable as held-out corpus text (or more) scores 10, and every extra nat of surprise per token
/// divides the score by e (twice the reference perplexity → 5). Monotone in the answer's perplexity, bounded in [0, 10].
/// <para>The answer is scored given the question as its context (the question's tokens are not scored): the tokens of
/// question + answer after the longest prefix they share with the question alone. Answers longer than the model's
/// positions are cut to fit (the cut is noted in the raw text). An empty answer has no tokens to score: Failed.</para></summary>
public sealed class PerplexityCoherence
{
    readonly TransformerModel model;
    readonly ITextTokenizer tokenizer;

    /// <param name="referencePerplexity">The model's perplexity on ordinary held-out text (e.g. its validation
    /// perplexity): the level that counts as fully coherent.</param>
    public PerplexityCoherence(TransformerModel model, ITextTokenizer tokenizer, double referencePerplexity)
    {
        if (!double.IsFinite(referencePerplexity) || referencePerplexity < 1)
            throw new ArgumentException($"the reference perplexity must be a finite number ≥ 1, got {referencePerplexity}");
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        ReferencePerplexity = referencePerplexity;
    }

    public double ReferencePerplexity { get; }

    /// <summary>The mapping on its own: 10 · min(1, reference / perplexity).</summary>
    public static double FromPerplexity(double perplexity, double referencePerplexity) =>
        perplexity <= referencePerplexity ? RubricScale.Max : RubricScale.Max * referencePerplexity / perplexity;

    public Judgement Score(string question, string answer)
    {
        var context = tokenizer.Encode(question, addBos: true);
        var all = tokenizer.Encode(question + answer, addBos: true);
        int shared = 0;
        while (shared < context.Count && shared < all.Count && context[shared] == all[shared]) shared++;
        if (shared >= all.Count)
            return Judgement.NotScored(JudgementStatus.Failed, "", "the answer is empty: no tokens to score");
        shared = Math.Max(shared, 1); // the first token has nothing before it to predict it
        int limit = model.Config.MaxPositions;
        bool cut = all.Count > limit;
        if (shared >= limit) return Judgement.NotScored(JudgementStatus.Failed, "", $"the question alone fills the model's {limit} positions");
        var sequence = all.Take(limit).ToArray();
        var measured = Perplexity.Measure(model, [sequence], hooks: null, contextLengths: [shared], batchSize: 1, padId: model.Config.PadId ?? 0);
        double perplexity = measured.Value;
        string raw = string.Create(CultureInfo.InvariantCulture,
            $"perplexity {perplexity:G6} over {measured.TokenCount} answer tokens (reference {ReferencePerplexity:G6}){(cut ? $"; answer cut to fit {limit} positions" : "")}");
        return Judgement.Scored(FromPerplexity(perplexity, ReferencePerplexity), raw, promptTokens: sequence.Length);
    }
}
