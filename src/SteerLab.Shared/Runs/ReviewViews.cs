namespace SteerLab.Shared.Runs;

/// <summary>The next answer a reviewer should score, blind: no judge score, no λ, no steered/unsteered marker, in an
/// order shuffled per reviewer. <see cref="Remaining"/> counts the (answer, item) pairs this reviewer has not scored.</summary>
public sealed record ReviewItem(long AnswerId, string Item, string Question, string Answer, string BehaviourDescription, int Remaining, int Total);

/// <summary>The body of <c>POST /api/runs/{id}/reviews</c>: a reviewer's own 0–10 score.</summary>
public sealed record ReviewScoreRequest(long AnswerId, string Item, int Score);

/// <summary>Judge–human agreement of a run (DESIGN §6, Team review): per rubric item, Spearman ρ and quadratic-weighted
/// κ on the 0–10 scale (judge scores rounded to integers for κ) over answers that have both a scored judgement and at
/// least one review (the reviewers' mean, rounded for κ), with n; and the largest disagreements first.</summary>
public sealed record AgreementView(IReadOnlyList<ItemAgreementView> Items, IReadOnlyList<DisagreementView> LargestDisagreements, int Reviewers);

/// <summary>ρ and κ are null when n is under 2 or a side has no variance (said in <see cref="Note"/>).</summary>
public sealed record ItemAgreementView(string Item, int N, double? Spearman, double? Kappa, string? Note);

public sealed record DisagreementView(long AnswerId, string Item, string Question, string Answer, double? Lambda, double JudgeScore,
    double HumanScore, int Reviews, double Difference);
