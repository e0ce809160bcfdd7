using System.Globalization;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>How <see cref="ModelJudge"/> turns the score distribution into one score.</summary>
public enum ModelJudgeScoring
{
    /// <summary>Σ s·p(s) over the score tokens, renormalised (G-Eval's weighting): graded, and less sensitive to which of two
    /// near-equal scores happens to win than the argmax.</summary>
    ExpectedValue,
    /// <summary>The most probable score: what greedy decoding of a one-token reply would have said.</summary>
    MostLikely,
}

public sealed record ModelJudgeOptions
{
    public ModelJudgeScoring Scoring { get; init; } = ModelJudgeScoring.ExpectedValue;

    /// <summary>Below this total probability on the score tokens the model is not answering with a score (a small base
    /// model continuing the text), and its "score" would be noise: the judgement is <see cref="JudgementStatus.Unparseable"/>,
    /// with the distribution in the raw text. An instruction-tuned judge puts well over 0.9 there.</summary>
    public double MinimumScoreMass { get; init; } = 0.5;

    public string? Name { get; init; }
}

/// <summary>The engine's own loaded model as a judge (DESIGN §6, Judges): the rubric prompt (<see cref="RubricPrompt"/>)
/// goes through the model's chat template when it has one (otherwise the plain "System: … User: … Assistant:" format,
/// the score then following a space), and the score is read from the probabilities of the tokens that write "0".."10"
/// right after it (<see cref="ScoreDistribution"/>), never from sampled text — so there is nothing to mis-parse and a
/// judgement costs one forward (two when "10" takes two tokens).
/// <para>The model runs without hooks: the judge is the unsteered model even while the same model generates steered
/// answers. Scoring runs synchronously on the caller's thread (the model is not meant for concurrent forwards).</para>
/// <para>Statuses: <see cref="JudgementStatus.Failed"/> when no score can be written after the prompt (see
/// <see cref="ScoreDistribution"/>) or the prompt is too long for the model; <see cref="JudgementStatus.Unparseable"/>
/// when the score tokens hold less than <see cref="ModelJudgeOptions.MinimumScoreMass"/>.</para></summary>
public sealed class ModelJudge(TransformerModel model, ITextTokenizer tokenizer, ChatTemplate chatTemplate, ModelJudgeOptions? options = null) : IJudge
{
    readonly ModelJudgeOptions options = Validated(options ?? new ModelJudgeOptions());

    public string Name => options.Name ?? $"model:{model.Config.ModelType}";

    public Task<Judgement> ScoreAsync(JudgeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Score(request));
    }

    public Judgement Score(JudgeRequest request)
    {
        bool templated = chatTemplate.Format != ChatFormat.Plain;
        string prompt = chatTemplate.Apply(RubricPrompt.Messages(request), addGenerationPrompt: true);
        ScoreDistribution distribution;
        try
        {
            distribution = ScoreDistribution.Read(model, tokenizer, prompt, addBos: !chatTemplate.IncludesBos,
                separator: templated ? "" : " ", padId: model.Config.PadId ?? 0);
        }
        catch (ArgumentException e)
        {
            return Judgement.NotScored(JudgementStatus.Failed, "", e.Message);
        }

        string raw = distribution.Describe();
        int promptTokens = distribution.PromptTokens;
        if (distribution.Probability.Count == 0)
            return Judgement.NotScored(JudgementStatus.Failed, raw, "this tokenizer cannot write any score 0–10 after the judge prompt", promptTokens);
        if (distribution.Mass < options.MinimumScoreMass)
            return Judgement.NotScored(JudgementStatus.Unparseable, raw, string.Create(CultureInfo.InvariantCulture,
                $"only {distribution.Mass:P1} of the next-token probability is on the score tokens (at least {options.MinimumScoreMass:P0} needed): the model is not answering with a score"),
                promptTokens);
        double score = options.Scoring == ModelJudgeScoring.ExpectedValue ? distribution.ExpectedScore : distribution.MostLikelyScore;
        return Judgement.Scored(Math.Clamp(score, RubricScale.Min, RubricScale.Max), raw, promptTokens, completionTokens: 0);
    }

    static ModelJudgeOptions Validated(ModelJudgeOptions options)
    {
        if (!(options.MinimumScoreMass >= 0 && options.MinimumScoreMass <= 1))
            throw new ArgumentException($"the minimum score mass must be in [0, 1], got {options.MinimumScoreMass}");
        return options;
    }
}
