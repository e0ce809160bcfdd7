using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Evaluation.OpenEnded;
using SteerLab.Engine.Generation;
using SteerLab.Server.Data;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>An answer's place on the charts (its text is not needed to count it).</summary>
public sealed record AnswerPoint(long Id, int Series, int QuestionIndex, double? Lambda);

/// <summary>An open-ended run's charts computed from its stored rows, so they fill in while a server-side judge works:
/// per vector (series) and λ, the engine's own <see cref="ScoreSummary"/> of behaviour, coherence and their product
/// (means on [0, 1] with 95% intervals; unparseable, out-of-range, failed and not-available judgements counted beside
/// the mean, never averaged), plus what is not judged yet counted as pending.</summary>
public static class OpenEndedAggregation
{
    public static OpenEndedResultView Aggregate(RunRequest request, RunProvenance provenance, IReadOnlyList<AnswerPoint> answers,
        IReadOnlyList<RunJudgement> judgements)
    {
        var byAnswer = JudgementsByAnswer(judgements);
        var series = provenance.Vectors.Select((vector, index) =>
        {
            var mine = answers.Where(a => a.Series == index).ToList();
            var grid = (RunPlanner.IsSparseMethod(vector.Method) ? request.SparseLambdas : request.DenseLambdas) ?? [];
            // The grid's order; a λ the rows hold but the request does not (a hand-edited row) is shown after it, not dropped.
            var lambdas = grid.Concat(mine.Where(a => a.Lambda is not null).Select(a => a.Lambda!.Value).Where(l => !grid.Contains(l)).Order()).Distinct();
            return new OpenEndedSeriesView(vector.Id, vector.Name, vector.Method, RunPlanner.IsSparseMethod(vector.Method),
                Point(0, mine.Where(a => a.Lambda is null), byAnswer),
                lambdas.Select(lambda => Point(lambda, mine.Where(a => a.Lambda == lambda), byAnswer)).ToList());
        }).ToList();

        int questionCount = answers.Count > 0 ? answers.Select(a => a.QuestionIndex).Distinct().Count()
            : provenance.Datasets.FirstOrDefault(d => d.Role == "questions")?.Used ?? 0;
        string judge = judgements.FirstOrDefault()?.Judge ?? provenance.Judge?.Name ?? "none";
        return new OpenEndedResultView(judge, request.OpenEnded?.BehaviourDescription ?? "", questionCount, series, Count(answers, byAnswer),
            judgements.Sum(j => (long)j.PromptTokens), judgements.Sum(j => (long)j.CompletionTokens));
    }

    /// <summary>The server-side judging phase as pages show it: judgements made of those to make (two per answer) and the
    /// tokens spent so far. Null when the run has no such phase.</summary>
    public static JudgingView? Judging(EvaluationRun run, RunProvenance provenance, int answers, IReadOnlyList<RunJudgement> judgements) =>
        run.JudgingState is { } state
            ? new JudgingView(state, judgements.Count, answers * RubricItems.All.Count, run.JudgingMessage, provenance.Judge?.Name ?? "",
                judgements.Sum(j => (long)j.PromptTokens), judgements.Sum(j => (long)j.CompletionTokens))
            : null;

    /// <summary>A stored judgement as the engine's <see cref="Judgement"/>. A row that says "Scored" without a score on
    /// the scale, or names a status this version does not know, is not trusted as a score.</summary>
    public static Judgement ToJudgement(RunJudgement row)
    {
        if (!Enum.GetNames<JudgementStatus>().Contains(row.Status) || !Enum.TryParse<JudgementStatus>(row.Status, out var status))
            return Judgement.NotScored(JudgementStatus.Failed, row.RawText, $"unknown judgement status '{row.Status}'");
        if (status != JudgementStatus.Scored) return Judgement.NotScored(status, row.RawText, row.Detail ?? status.ToString(), row.PromptTokens, row.CompletionTokens);
        return row.Score is double score && double.IsFinite(score) && RubricScale.Contains(score)
            ? Judgement.Scored(score, row.RawText, row.PromptTokens, row.CompletionTokens)
            : Judgement.NotScored(JudgementStatus.OutOfRange, row.RawText, $"stored as scored with score {row.Score?.ToString() ?? "none"}");
    }

    static Dictionary<long, (Judgement? Behaviour, Judgement? Coherence)> JudgementsByAnswer(IReadOnlyList<RunJudgement> judgements)
    {
        var byAnswer = new Dictionary<long, (Judgement? Behaviour, Judgement? Coherence)>();
        foreach (var row in judgements)
        {
            var current = byAnswer.GetValueOrDefault(row.AnswerId);
            byAnswer[row.AnswerId] = row.Item switch
            {
                RubricItems.Behaviour => current with { Behaviour = ToJudgement(row) },
                RubricItems.Coherence => current with { Coherence = ToJudgement(row) },
                _ => current, // not a rubric item of this version: neither scored nor pending
            };
        }
        return byAnswer;
    }

    static OpenEndedPointView Point(double lambda, IEnumerable<AnswerPoint> answers, Dictionary<long, (Judgement? Behaviour, Judgement? Coherence)> byAnswer)
    {
        var behaviour = new List<Judgement>();
        var coherence = new List<Judgement>();
        var products = new List<JudgedAnswer>();
        int behaviourPending = 0, coherencePending = 0, productPending = 0;
        foreach (var answer in answers)
        {
            var (b, c) = byAnswer.GetValueOrDefault(answer.Id);
            if (b is null) behaviourPending++; else behaviour.Add(b);
            if (c is null) coherencePending++; else coherence.Add(c);
            if (b is not null && c is not null) products.Add(Judged(b, c));
            // One item already unscored: the product can never be made, so it is excluded under that status (as the
            // engine excludes it) even while the other item waits for its judge.
            else if ((b ?? c) is { IsScored: false } unscored) products.Add(Judged(unscored, unscored));
            else productPending++;
        }
        return new OpenEndedPointView(lambda, View(ScoreSummary.OfItem(behaviour), behaviourPending), View(ScoreSummary.OfItem(coherence), coherencePending),
            View(ScoreSummary.OfProduct(products), productPending));
    }

    static JudgedAnswer Judged(Judgement behaviour, Judgement coherence) => new("", [], FinishReason.Stop, behaviour, coherence);

    static ScoreSummaryView View(ScoreSummary summary, int pending) => new(summary.Mean, summary.Low, summary.High, summary.Scored,
        summary.Excluded.Unparseable, summary.Excluded.OutOfRange, summary.Excluded.Failed, summary.Excluded.NotAvailable, pending);

    static JudgementCounts Count(IReadOnlyList<AnswerPoint> answers, Dictionary<long, (Judgement? Behaviour, Judgement? Coherence)> byAnswer)
    {
        var counts = new Dictionary<JudgementStatus, int>();
        int pending = 0;
        foreach (var answer in answers)
        {
            var (b, c) = byAnswer.GetValueOrDefault(answer.Id);
            foreach (var judgement in (Judgement?[])[b, c])
                if (judgement is null) pending++;
                else counts[judgement.Status] = counts.GetValueOrDefault(judgement.Status) + 1;
        }
        return new JudgementCounts(counts.GetValueOrDefault(JudgementStatus.Scored), counts.GetValueOrDefault(JudgementStatus.Unparseable),
            counts.GetValueOrDefault(JudgementStatus.OutOfRange), counts.GetValueOrDefault(JudgementStatus.Failed),
            counts.GetValueOrDefault(JudgementStatus.NotAvailable), pending);
    }
}
