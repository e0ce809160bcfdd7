using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>One answer with everything scored on it: its judgements by item and the reviewers' scores.</summary>
public sealed record ScoredAnswer(RunAnswer Answer, RunJudgement? Behaviour, RunJudgement? Coherence, IReadOnlyList<ReviewScore> Reviews)
{
    public RunJudgement? Judgement(string item) => item == RubricItems.Behaviour ? Behaviour : item == RubricItems.Coherence ? Coherence : null;

    public IEnumerable<ReviewScore> ReviewsOf(string item) => Reviews.Where(r => r.Item == item);

    /// <summary>The reviewers' mean score of <paramref name="item"/>, null when nobody reviewed it.</summary>
    public double? HumanMean(string item)
    {
        var scores = ReviewsOf(item).Select(r => (double)r.Score).ToList();
        return scores.Count == 0 ? null : scores.Average();
    }
}

/// <summary>An open-ended run's answers in (series, question, λ) order — the unsteered answer before the steered ones —
/// with their judgements and reviews, for the answer table and the exports.</summary>
public static class RunAnswerRows
{
    public const int MaxTake = 500;

    public static async Task<IReadOnlyList<ScoredAnswer>> ReadAsync(SteerLabDbContext db, Guid runId, int skip, int take, CancellationToken cancellationToken)
    {
        var answers = await Ordered(db.RunAnswers.AsNoTracking().Where(a => a.RunId == runId)).Skip(skip).Take(take).ToListAsync(cancellationToken);
        if (answers.Count == 0) return [];
        var ids = answers.Select(a => a.Id).ToList();
        var judgements = await db.RunJudgements.AsNoTracking().Where(j => j.RunId == runId && ids.Contains(j.AnswerId)).ToListAsync(cancellationToken);
        var reviews = await db.ReviewScores.AsNoTracking().Where(r => r.RunId == runId && ids.Contains(r.AnswerId)).ToListAsync(cancellationToken);
        return Combine(answers, judgements, reviews);
    }

    /// <summary>Every answer of the run (exports), reading judgements and reviews by run rather than by a long id list.</summary>
    public static async Task<IReadOnlyList<ScoredAnswer>> ReadAllAsync(SteerLabDbContext db, Guid runId, CancellationToken cancellationToken)
    {
        var answers = await Ordered(db.RunAnswers.AsNoTracking().Where(a => a.RunId == runId)).ToListAsync(cancellationToken);
        var judgements = await db.RunJudgements.AsNoTracking().Where(j => j.RunId == runId).ToListAsync(cancellationToken);
        var reviews = await db.ReviewScores.AsNoTracking().Where(r => r.RunId == runId).ToListAsync(cancellationToken);
        return Combine(answers, judgements, reviews);
    }

    public static RunAnswerView ToView(ScoredAnswer scored, RunProvenance provenance)
    {
        var answer = scored.Answer;
        var behaviourReviews = scored.ReviewsOf(RubricItems.Behaviour).Count();
        var coherenceReviews = scored.ReviewsOf(RubricItems.Coherence).Count();
        var review = behaviourReviews + coherenceReviews == 0 ? null
            : new ReviewSummaryView(scored.HumanMean(RubricItems.Behaviour), behaviourReviews, scored.HumanMean(RubricItems.Coherence), coherenceReviews);
        return new RunAnswerView(answer.Id, answer.Series, SeriesName(provenance, answer.Series), answer.QuestionIndex, answer.Question, answer.Lambda,
            answer.Text, answer.Finish, ToView(scored.Behaviour), ToView(scored.Coherence), review);
    }

    public static JudgementView? ToView(RunJudgement? judgement) => judgement is null ? null
        : new JudgementView(judgement.Status, judgement.Score, judgement.RawText, judgement.Detail, judgement.Judge, judgement.PromptTokens, judgement.CompletionTokens);

    public static string SeriesName(RunProvenance provenance, int series) =>
        series >= 0 && series < provenance.Vectors.Count ? provenance.Vectors[series].Name : $"series {series}";

    /// <summary>Series, question, then the unsteered answer (λ null) before the steered ones by λ — whichever way the
    /// database sorts nulls.</summary>
    static IQueryable<RunAnswer> Ordered(IQueryable<RunAnswer> answers) =>
        answers.OrderBy(a => a.Series).ThenBy(a => a.QuestionIndex).ThenBy(a => a.Lambda != null).ThenBy(a => a.Lambda).ThenBy(a => a.Id);

    static List<ScoredAnswer> Combine(List<RunAnswer> answers, List<RunJudgement> judgements, List<ReviewScore> reviews)
    {
        var judged = judgements.ToLookup(j => j.AnswerId);
        var reviewed = reviews.ToLookup(r => r.AnswerId);
        return answers.Select(a => new ScoredAnswer(a,
            judged[a.Id].FirstOrDefault(j => j.Item == RubricItems.Behaviour),
            judged[a.Id].FirstOrDefault(j => j.Item == RubricItems.Coherence),
            reviewed[a.Id].OrderBy(r => r.Item, StringComparer.Ordinal).ThenBy(r => r.ReviewerId).ToList())).ToList();
    }
}
