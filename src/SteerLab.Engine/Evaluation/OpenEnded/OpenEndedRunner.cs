using System.Globalization;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;

namespace SteerLab.Engine.Evaluation.OpenEnded;

/// <summary>The open-ended evaluation (DESIGN §6): for each question, an unsteered answer and, at each λ of the grid, a
/// steered answer generated with the same sampling settings and seed; each answer judged on behaviour and coherence;
/// per-λ means of the rescaled scores and of their product with 95% intervals.
/// <para>Order of work: the unsteered answers first (generated and judged once — they do not depend on λ, and a caller
/// running several grids over the same questions makes them once with <see cref="AnswerUnsteeredAsync"/>), then each λ
/// in the grid's order. Generation runs in batches of <see cref="OpenEndedSettings.BatchSize"/>; every row has its own
/// sampler with the same seed, so an answer does not depend on its batch (<see cref="TokenGenerator"/>). Judgements
/// run one at a time, unsteered (judges never see the steering hooks).</para>
/// <para>A judge that throws anything but a cancellation is recorded as <see cref="JudgementStatus.Failed"/> with the
/// exception's message; cancellation stops the run between tokens or judgements with
/// <see cref="OperationCanceledException"/>.</para></summary>
public sealed class OpenEndedRunner(TransformerModel model, ITextTokenizer tokenizer, ChatTemplate chatTemplate)
{
    /// <param name="unsteered">The unsteered answers to the same questions with the same judge and settings, when the
    /// caller already has them (from <see cref="AnswerUnsteeredAsync"/>: several grids over one question set share
    /// them); otherwise they are generated and judged first.</param>
    public async Task<OpenEndedReport> RunAsync(IReadOnlyList<OpenQuestion> questions, SteeringGrid grid, IJudge judge, OpenEndedSettings settings,
        Func<SaeReference, SparseAutoencoder>? saes = null, IProgress<OpenEndedProgress>? progress = null, CancellationToken cancellationToken = default,
        IReadOnlyList<JudgedAnswer>? unsteered = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Check(questions, judge, settings);
        grid.Validate();
        if (grid.NeedsSae && saes is null) throw new ArgumentException("sparse vectors need an SAE resolver");
        if (unsteered is not null && unsteered.Count != questions.Count)
            throw new ArgumentException($"{unsteered.Count} unsteered answers were given for {questions.Count} questions");

        var prompts = questions.Select(q => PromptIds(q, settings.PromptFormat)).ToList();
        int total = questions.Count * (grid.Lambdas.Count + (unsteered is null ? 1 : 0)), done = 0;
        void Report(string stage) => progress?.Report(new OpenEndedProgress(done, total, stage));

        unsteered ??= await AnswerAsync(questions, prompts, hooks: null, judge, settings, "unsteered answers", () => ++done, Report, cancellationToken);

        var items = new List<OpenEndedItem>(questions.Count * grid.Lambdas.Count);
        var points = new List<OpenEndedPoint>(grid.Lambdas.Count);
        foreach (double lambda in grid.Lambdas)
        {
            string at = string.Create(CultureInfo.InvariantCulture, $"λ = {lambda:0.###}");
            IReadOnlyList<JudgedAnswer> steered;
            using (var plan = new SteeringPlan(grid.At(lambda), saes, settings.Scope, settings.DeltaCorrection))
                steered = await AnswerAsync(questions, prompts, plan.Hooks.IsEmpty ? null : plan.Hooks, judge, settings, $"steered answers, {at}",
                    () => ++done, Report, cancellationToken);
            for (int q = 0; q < questions.Count; q++) items.Add(new OpenEndedItem(q, questions[q].Question, lambda, steered[q], unsteered[q]));
            points.Add(OpenEndedPoint.Of(lambda, steered));
        }
        return new OpenEndedReport(grid.Name, judge.Name, settings.BehaviourDescription, questions.Count,
            OpenEndedPoint.Of(0, unsteered), points, items);
    }

    /// <summary>The unsteered answer to each question, judged: what <see cref="RunAsync"/> starts with, for callers that
    /// run several grids over the same questions, judge and settings and pass it to each.</summary>
    public async Task<IReadOnlyList<JudgedAnswer>> AnswerUnsteeredAsync(IReadOnlyList<OpenQuestion> questions, IJudge judge, OpenEndedSettings settings,
        IProgress<OpenEndedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Check(questions, judge, settings);
        var prompts = questions.Select(q => PromptIds(q, settings.PromptFormat)).ToList();
        int done = 0;
        return await AnswerAsync(questions, prompts, hooks: null, judge, settings, "unsteered answers", () => ++done,
            stage => progress?.Report(new OpenEndedProgress(done, questions.Count, stage)), cancellationToken);
    }

    static void Check(IReadOnlyList<OpenQuestion> questions, IJudge judge, OpenEndedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentNullException.ThrowIfNull(settings);
        if (questions.Count == 0) throw new ArgumentException("no questions to evaluate");
        settings.Validate();
    }

    /// <summary>Generates an answer to every prompt with <paramref name="hooks"/> (null: unsteered) and judges each,
    /// counting every judged answer with <paramref name="answered"/> and reporting the stage ("generating …", "judging …").</summary>
    async Task<IReadOnlyList<JudgedAnswer>> AnswerAsync(IReadOnlyList<OpenQuestion> questions, IReadOnlyList<IReadOnlyList<int>> prompts, HookSet? hooks,
        IJudge judge, OpenEndedSettings settings, string what, Func<int> answered, Action<string> report, CancellationToken cancellationToken)
    {
        report($"generating {what}");
        var sequences = Generate(prompts, hooks, settings, cancellationToken);
        var answers = new JudgedAnswer[questions.Count];
        for (int q = 0; q < questions.Count; q++)
        {
            answers[q] = await JudgeAsync(questions[q], sequences[q], judge, settings, cancellationToken);
            answered();
            report($"judging {what}");
        }
        return answers;
    }

    /// <summary>The prompt's token ids: the question in the chat template's user turn (encoded with BOS unless the
    /// template writes it), or the question text itself in raw mode.</summary>
    public IReadOnlyList<int> PromptIds(OpenQuestion question, OpenPromptFormat format)
    {
        string text = format == OpenPromptFormat.Raw
            ? question.Question
            : chatTemplate.Apply([new ChatMessage("user", question.Question)], addGenerationPrompt: true);
        var ids = tokenizer.Encode(text, addBos: format == OpenPromptFormat.Raw || !chatTemplate.IncludesBos);
        if (ids.Count == 0) throw new ArgumentException($"the question \"{question.Question}\" encodes to no tokens");
        return ids;
    }

    IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, HookSet? hooks, OpenEndedSettings settings,
        CancellationToken cancellationToken)
    {
        var generator = new TokenGenerator(model);
        var stopIds = model.Config.EosIds.Concat(tokenizer.StopIds).ToHashSet();
        var results = new List<GeneratedSequence>(prompts.Count);
        for (int start = 0; start < prompts.Count; start += settings.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.AddRange(generator.Generate(new GenerationRequest
            {
                Prompts = prompts.Skip(start).Take(settings.BatchSize).ToList(),
                MaxNewTokens = settings.MaxNewTokens,
                Sampling = settings.Sampling,
                StopIds = stopIds,
                Hooks = hooks,
                PadId = settings.PadId ?? model.Config.PadId ?? 0,
            }, cancellation: cancellationToken));
        }
        return results;
    }

    async Task<JudgedAnswer> JudgeAsync(OpenQuestion question, GeneratedSequence sequence, IJudge judge, OpenEndedSettings settings,
        CancellationToken cancellationToken)
    {
        string text = tokenizer.Decode(sequence.NewIds);
        var behaviour = await JudgeOneAsync(judge, new JudgeRequest(RubricItem.Behaviour, question.Question, text, settings.BehaviourDescription, settings.JudgeSeed), cancellationToken);
        var coherence = await JudgeOneAsync(judge, new JudgeRequest(RubricItem.Coherence, question.Question, text, settings.BehaviourDescription, settings.JudgeSeed), cancellationToken);
        return new JudgedAnswer(text, sequence.NewIds, sequence.Finish, behaviour, coherence);
    }

    static async Task<Judgement> JudgeOneAsync(IJudge judge, JudgeRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var judgement = await judge.ScoreAsync(request, cancellationToken);
            // A judge that breaks the contract is not trusted with a score: none without Scored, none outside the scale.
            if (judgement.Status != JudgementStatus.Scored) return judgement.Score is null ? judgement : judgement with { Score = null };
            if (judgement.Score is not double s)
                return Judgement.NotScored(JudgementStatus.Failed, judgement.RawText, "the judge reported a score without a value", judgement.PromptTokens, judgement.CompletionTokens);
            if (!double.IsFinite(s) || !RubricScale.Contains(s))
                return Judgement.NotScored(JudgementStatus.OutOfRange, judgement.RawText, string.Create(CultureInfo.InvariantCulture,
                    $"the judge reported score {s} outside [{RubricScale.Min}, {RubricScale.Max}]"), judgement.PromptTokens, judgement.CompletionTokens);
            return judgement;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e) { return Judgement.FromException(e); }
    }
}
