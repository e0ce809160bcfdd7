using System.Globalization;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>The demo's non-LLM judge (DESIGN §6, "a lexicon judge for the demo"), built on its naive-Bayes
/// <see cref="GenreClassifier"/>.
/// <para>Behaviour: the classifier's <see cref="GenreClassifier.Score"/> — the mean per-word log-likelihood ratio r of the
/// target genre against the other one, in nats per word — mapped monotonically onto 0–10 by
/// behaviour = 10 · σ(k·r) = 10 / (1 + e^(−k·r)), k = <see cref="WordsOfEvidence"/> (default 4). Read: the posterior
/// probability of the target genre, with equal priors, for k words that each carry the answer's average evidence; r = 0
/// (no lean) gives 5. k = 4 spreads the demo's range (r ≈ −0.9…+0.9 between λ = −4 and +4 on its CAA vectors) over
/// about 0.3…9.7 instead of crowding it near 5 (k = 1) or the ends. The user's behaviour description is not read: the
/// classifier knows its two genres. An answer with no word the classifier knows is Failed, not a neutral 5.</para>
/// <para>Coherence: <see cref="PerplexityCoherence"/> with the demo model when one is given; without one, coherence is
/// <see cref="JudgementStatus.NotAvailable"/> (the trade-off product is then not available either).</para></summary>
public sealed class ClassifierJudge : IJudge
{
    readonly GenreClassifier classifier;
    readonly PerplexityCoherence? coherence;

    /// <param name="contrast">What the judgements are named after ("romance-vs-press"); by default the genre letters.</param>
    public ClassifierJudge(GenreClassifier classifier, char genre, char against, PerplexityCoherence? coherence = null, double wordsOfEvidence = 4,
        string? contrast = null)
    {
        this.classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        if (!classifier.Genres.Contains(genre) || !classifier.Genres.Contains(against) || genre == against)
            throw new ArgumentException($"genres '{genre}' and '{against}' must be two different genres the classifier knows ({string.Join(", ", classifier.Genres)})");
        if (!double.IsFinite(wordsOfEvidence) || wordsOfEvidence <= 0) throw new ArgumentException($"words of evidence must be positive, got {wordsOfEvidence}");
        Genre = genre;
        Against = against;
        WordsOfEvidence = wordsOfEvidence;
        this.coherence = coherence;
        Name = $"classifier:{contrast ?? $"{genre}-vs-{against}"}";
    }

    /// <summary>The judge for a demo contrast: the demo folder's classifier, and coherence from the demo model with the
    /// model's validation perplexity (from the demo manifest) as the reference.</summary>
    public static ClassifierJudge ForDemo(string demoFolder, DemoContrast contrast, TransformerModel? model = null, ITextTokenizer? tokenizer = null)
    {
        var classifier = GenreClassifier.Load(Path.Combine(demoFolder, GenreClassifier.FileName));
        PerplexityCoherence? coherence = null;
        if (model is not null && tokenizer is not null)
        {
            var manifest = DemoManifest.Load(demoFolder);
            if (!manifest.Metrics.TryGetValue("model_validation_perplexity", out double reference))
                throw new InvalidDataException($"{demoFolder}: the manifest has no metrics.model_validation_perplexity");
            coherence = new PerplexityCoherence(model, tokenizer, reference);
        }
        return new ClassifierJudge(classifier, contrast.Positive, contrast.Negative, coherence, contrast: contrast.Id);
    }

    public char Genre { get; }
    public char Against { get; }
    public double WordsOfEvidence { get; }

    /// <summary>"classifier:romance-vs-press" for a demo contrast; "classifier:p-vs-a" (Brown category letters) otherwise.</summary>
    public string Name { get; }

    /// <summary>10 · σ(k·r): the behaviour score of a log-likelihood ratio r (nats per word).</summary>
    public static double BehaviourScore(double ratio, double wordsOfEvidence) => RubricScale.Max / (1 + Math.Exp(-wordsOfEvidence * ratio));

    public Task<Judgement> ScoreAsync(JudgeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(request.Item switch
        {
            RubricItem.Behaviour => Behaviour(request.Answer),
            RubricItem.Coherence => coherence?.Score(request.Question, request.Answer)
                ?? Judgement.NotScored(JudgementStatus.NotAvailable, "", "this classifier judge has no model to measure coherence with"),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Item, "unknown rubric item"),
        });
    }

    Judgement Behaviour(string answer)
    {
        var (_, known) = classifier.LogLikelihoods(answer);
        if (known == 0) return Judgement.NotScored(JudgementStatus.Failed, "", "no word of the answer is in the classifier's vocabulary");
        double ratio = classifier.Score(answer, Genre, Against);
        return Judgement.Scored(BehaviourScore(ratio, WordsOfEvidence),
            string.Create(CultureInfo.InvariantCulture, $"log-likelihood ratio {ratio:G6} nats/word over {known} known words"));
    }
}
