using System.Globalization;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>The probability that a model's reply to a judge prompt starts with each score 0..10, read from its next-token
/// probabilities (no sampling, no parsing).
/// <para>Each score's text is appended to the prompt and tokenized with it; the tokens after the prompt's own tokens write
/// the score (one token for "7" in most vocabularies, two where digits are split, e.g. "1", "0" for 10, or a space token
/// then the digit). p(score) is the chain-rule probability of those tokens: one forward of the prompt for every
/// single-token score, and one teacher-forced row per multi-token score (<see cref="Perplexity.Measure"/>).
/// A score whose tokens start another score's tokens ("1" before "1","0") would count that score's replies too, so the
/// longer score's probability is subtracted: p(1) = p("1") − p("1","0") = p("1")·(1 − p("0" | "1")).</para>
/// <para>A score is unavailable when appending it changes the prompt's own last tokens (a merge across the boundary) or
/// its tokens do not decode back to the number (an unknown-token id); the remaining scores are still read, and the
/// unavailable ones are listed.</para></summary>
public sealed record ScoreDistribution(IReadOnlyDictionary<int, double> Probability, IReadOnlyList<int> Unavailable, int PromptTokens)
{
    /// <summary>Total probability on the available scores: how much the model is answering with a score at all.</summary>
    public double Mass => Probability.Values.Sum();

    /// <summary>Σ s·p(s) / mass.</summary>
    public double ExpectedScore => Probability.Sum(p => p.Key * p.Value) / Mass;

    /// <summary>The most probable score (the lower one on a tie).</summary>
    public int MostLikelyScore => Probability.OrderByDescending(p => p.Value).ThenBy(p => p.Key).First().Key;

    /// <summary>Compact JSON for <see cref="Judgement.RawText"/>: {"mass":…,"p":{"0":…,…},"unavailable":[…]}.</summary>
    public string Describe()
    {
        var parts = Probability.OrderBy(p => p.Key).Select(p => string.Create(CultureInfo.InvariantCulture, $"\"{p.Key}\":{p.Value:G4}"));
        return string.Create(CultureInfo.InvariantCulture, $"{{\"mass\":{Mass:G4},\"p\":{{{string.Join(",", parts)}}},\"unavailable\":[{string.Join(",", Unavailable)}]}}");
    }

    /// <param name="promptText">The judge prompt as text, ending where the reply begins.</param>
    /// <param name="separator">Text between the prompt and the score (" " after a plain "Assistant:", "" after a chat
    /// template's turn opening).</param>
    public static ScoreDistribution Read(TransformerModel model, ITextTokenizer tokenizer, string promptText, bool addBos, string separator, int padId)
    {
        var promptIds = tokenizer.Encode(promptText, addBos);
        if (promptIds.Count == 0) throw new ArgumentException("the judge prompt encodes to no tokens");
        var rests = new Dictionary<int, int[]>();
        var unavailable = new List<int>();
        for (int score = (int)RubricScale.Min; score <= (int)RubricScale.Max; score++)
        {
            string text = score.ToString(CultureInfo.InvariantCulture);
            var ids = tokenizer.Encode(promptText + separator + text, addBos);
            bool extendsPrompt = ids.Count > promptIds.Count && promptIds.Select((id, i) => ids[i] == id).All(same => same);
            var rest = extendsPrompt ? ids.Skip(promptIds.Count).ToArray() : [];
            if (extendsPrompt && tokenizer.Decode(rest).Trim() == text) rests[score] = rest;
            else unavailable.Add(score);
        }
        var probability = new Dictionary<int, double>();
        if (rests.Count == 0) return new ScoreDistribution(probability, unavailable, promptIds.Count);

        int limit = model.Config.MaxPositions;
        if (promptIds.Count + rests.Values.Max(r => r.Length) > limit)
            throw new ArgumentException($"the judge prompt has {promptIds.Count} tokens; with the score it exceeds the model's {limit} positions");

        if (rests.Values.Any(r => r.Length == 1))
        {
            var logProbabilities = NextTokenLogProbabilities(model, promptIds);
            foreach (var (score, rest) in rests.Where(r => r.Value.Length == 1))
                probability[score] = Math.Exp(logProbabilities[rest[0]]);
        }
        var longer = rests.Where(r => r.Value.Length > 1).ToList();
        if (longer.Count > 0)
        {
            var sequences = longer.Select(r => (IReadOnlyList<int>)[.. promptIds, .. r.Value]).ToList();
            var measured = Perplexity.Measure(model, sequences, hooks: null, contextLengths: Enumerable.Repeat(promptIds.Count, longer.Count).ToArray(),
                batchSize: 16, padId: padId);
            for (int i = 0; i < longer.Count; i++) probability[longer[i].Key] = Math.Exp(measured.Sequences[i].LogLikelihood);
        }
        // "1" also starts "10": take the longer score's replies out of the shorter one's.
        var raw = new Dictionary<int, double>(probability);
        foreach (var (score, rest) in rests)
            foreach (var (other, otherRest) in rests)
                if (other != score && otherRest.Length > rest.Length && otherRest.Take(rest.Length).SequenceEqual(rest))
                    probability[score] -= raw[other];
        foreach (int score in rests.Keys) probability[score] = Math.Max(0, probability[score]);
        return new ScoreDistribution(probability, unavailable, promptIds.Count);
    }

    /// <summary>log p(next token | prompt) over the vocabulary, from one unsteered forward.</summary>
    static double[] NextTokenLogProbabilities(TransformerModel model, IReadOnlyList<int> promptIds)
    {
        using var scope = NewDisposeScope();
        var ids = tensor(promptIds.Select(id => (long)id).ToArray(), [1, promptIds.Count]);
        var logits = model.Forward(new ForwardInput { InputIds = ids, LastLogitsOnly = true }); // [1, 1, vocab]
        return logits[0, 0].log_softmax(-1).to(ScalarType.Float64).cpu().data<double>().ToArray();
    }
}
