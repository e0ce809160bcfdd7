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
/// <para>Order of work: the unsteered answers first (generated and judged once — they do not depend on λ), then each λ
/// in the grid's order. Generation runs in batches of <see cref="OpenEndedSettings.BatchSize"/>; every row has its own
/// sampler with the same seed, so an answer does not depend on its batch (<see cref="TokenGenerator"/>). Judgements
/// run one at a time, unsteered (judges never see the steering hooks).</para>
/// <para>A judge that throws anything but a cancellation is recorded as <see cref="JudgementStatus.Failed"/> with the
/// exception's message; cancellation stops the run between tokens or judgements with
/// <see cref="OperationCanceledException"/>.</para></summary>
public sealed class OpenEndedRunner(TransformerModel model, ITextTokenizer tokenizer, ChatTemplate chatTemplate)
{
    public async Task<OpenEndedReport> RunAsync(IReadOnlyList<OpenQuestion> questions, SteeringGrid grid, IJudge judge, OpenEndedSettings settings,
        Func<SaeReference, SparseAutoencoder>? saes = null, IProgress<OpenEndedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentNullException.ThrowIfNull(settings);
        if (questions.Count == 0) throw new ArgumentException("no questions to evaluate");
        grid.Validate();
        settings.Validate();
        if (grid.NeedsSae && saes is null) throw new ArgumentException("sparse vectors need an SAE resolver");

        var prompts = questions.Select(q => PromptIds(q, settings.PromptFormat)).ToList();
        int total = questions.Count * (grid.Lambdas.Count + 1), done = 0;
        void Report(string stage) => progress?.Report(new OpenEndedProgress(done, total, stage));

        Report("generating unsteered answers");
        var unsteeredSequences = Generate(prompts, hooks: null, settings, cancellationToken);
        var unsteered = new JudgedAnswer[questions.Count];
        for (int q = 0; q < questions.Count; q++)
        {
            unsteered[q] = await JudgeAsync(questions[q], unsteeredSequences[q], judge, settings, cancellationToken);
            done++;
            Report("judging unsteered answers");
        }

        var items = new List<OpenEndedItem>(questions.Count * grid.Lambdas.Count);
        var points = new List<OpenEndedPoint>(grid.Lambdas.Count);
        foreach (double lambda in grid.Lambdas)
        {
            string at = string.Create(CultureInfo.InvariantCulture, $"λ = {lambda:0.###}");
            Report($"generating steered answers, {at}");
            IReadOnlyList<GeneratedSequence> sequences;
            using (var plan = new SteeringPlan(grid.At(lambda), saes, settings.Scope, settings.DeltaCorrection))
                sequences = Generate(prompts, plan.Hooks.IsEmpty ? null : plan.Hooks, settings, cancellationToken);
            var steered = new JudgedAnswer[questions.Count];
            for (int q = 0; q < questions.Count; q++)
            {
                steered[q] = await JudgeAsync(questions[q], sequences[q], judge, settings, cancellationToken);
                items.Add(new OpenEndedItem(q, questions[q].Question, lambda, steered[q], unsteered[q]));
                done++;
                Report($"judging steered answers, {at}");
            }
            points.Add(OpenEndedPoint.Of(lambda, steered));
        }
        return new OpenEndedReport(grid.Name, judge.Name, settings.BehaviourDescription, questions.Count,
            OpenEndedPoint.Of(0, unsteered), points, items);
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
