namespace SteerLab.Shared.Runs;

/// <summary>An open-ended run's charts: per vector, behaviour, coherence and their product over λ (rescaled to [0, 1]
/// as (s)/10 per the rubric), beside the unsteered baseline. Computed from the stored judgements, so it fills in as a
/// server-side judge works.</summary>
public sealed record OpenEndedResultView(
    string Judge,
    string BehaviourDescription,
    int QuestionCount,
    IReadOnlyList<OpenEndedSeriesView> Series,
    JudgementCounts Counts,
    long PromptTokens,
    long CompletionTokens);

public sealed record OpenEndedSeriesView(Guid? VectorId, string Name, string Method, bool IsSparse, OpenEndedPointView Unsteered,
    IReadOnlyList<OpenEndedPointView> Points);

/// <summary>Means at one λ (for the unsteered baseline, λ is 0).</summary>
public sealed record OpenEndedPointView(double Lambda, ScoreSummaryView Behaviour, ScoreSummaryView Coherence, ScoreSummaryView Product);

/// <summary>Mean of the scored answers on [0, 1] with its 95% interval and n; the answers left out, by why.</summary>
public sealed record ScoreSummaryView(double? Mean, double? Low, double? High, int Scored, int Unparseable, int OutOfRange, int Failed,
    int NotAvailable, int Pending);

/// <summary>All judgements of a run by status (pending = not judged yet).</summary>
public sealed record JudgementCounts(int Scored, int Unparseable, int OutOfRange, int Failed, int NotAvailable, int Pending);

/// <summary>One answer with its judgements, for the run's answer table. <see cref="Lambda"/> null = unsteered.</summary>
public sealed record RunAnswerView(long Id, int Series, string SeriesName, int QuestionIndex, string Question, double? Lambda, string Text,
    string Finish, JudgementView? Behaviour, JudgementView? Coherence, ReviewSummaryView? Review);

/// <summary>A stored judgement. <see cref="Status"/> is "Scored", "Unparseable", "OutOfRange", "Failed" or
/// "NotAvailable"; only "Scored" has a score.</summary>
public sealed record JudgementView(string Status, double? Score, string RawText, string? Detail, string Judge, int PromptTokens, int CompletionTokens);

/// <summary>Reviewers' scores of one answer (mean per item and how many reviewed it).</summary>
public sealed record ReviewSummaryView(double? Behaviour, int BehaviourReviews, double? Coherence, int CoherenceReviews);
