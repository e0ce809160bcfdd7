using SteerLab.Engine.Evaluation.Agreement;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>Judge–human agreement of an open-ended run (DESIGN §6, Team review), computed by the engine's
/// <see cref="JudgeHumanAgreement"/> per rubric item over the answers that have both a scored judgement and at least one
/// review: the judge's score against the reviewers' mean. Unparseable, failed … judgements have no score and are left
/// out. For κ the engine puts both sides in the 0–10 categories by rounding to the nearest whole number, halves away
/// from zero (<see cref="QuadraticWeightedKappa.Category"/>): a model judge's 6.7 counts as 7, two reviewers' mean of
/// 6.5 as 7. ρ uses the unrounded scores.</summary>
public static class RunAgreement
{
    public const int LargestDisagreements = 10;

    public static AgreementView Compute(IReadOnlyList<ScoredAnswer> answers)
    {
        var items = new List<ItemAgreementView>();
        var everyPair = new List<RatedAnswer>();
        var byKey = new Dictionary<string, (ScoredAnswer Answer, string Item)>(StringComparer.Ordinal);
        foreach (string item in RubricItems.All)
        {
            var pairs = new List<RatedAnswer>();
            foreach (var answer in answers)
            {
                if (answer.Judgement(item) is not { } row || OpenEndedAggregation.ToJudgement(row) is not { IsScored: true, Score: double judge }) continue;
                if (answer.HumanMean(item) is not double human) continue;
                string key = $"{answer.Answer.Id}/{item}";
                pairs.Add(new RatedAnswer(key, judge, human));
                byKey[key] = (answer, item);
            }
            var report = JudgeHumanAgreement.Compute(item == RubricItems.Behaviour ? RubricItem.Behaviour : RubricItem.Coherence, pairs, largest: 0);
            // With one pair κ is 0 or undefined whatever the scores: not a measurement of agreement, so it is not shown.
            if (report.N < 2) report = report with { Kappa = AgreementStatistic.Undefined(report.N, $"needs at least 2 rated answers, has {report.N}") };
            items.Add(new ItemAgreementView(item, report.N, report.Spearman.Value, report.Kappa.Value, Note(report)));
            everyPair.AddRange(pairs);
        }
        var largest = JudgeHumanAgreement.LargestDisagreements(everyPair, LargestDisagreements).Select(pair =>
        {
            var (answer, item) = byKey[pair.Key];
            return new DisagreementView(answer.Answer.Id, item, answer.Answer.Question, answer.Answer.Text, answer.Answer.Lambda, pair.JudgeScore, pair.HumanScore,
                answer.ReviewsOf(item).Count(), pair.AbsoluteDifference);
        }).ToList();
        int reviewers = answers.SelectMany(a => a.Reviews).Select(r => r.ReviewerId).Distinct().Count();
        return new AgreementView(items, largest, reviewers);
    }

    /// <summary>Why ρ or κ is undefined, in the engine's words; null when both are defined.</summary>
    static string? Note(AgreementReport report)
    {
        var reasons = new List<string>();
        if (report.Spearman.UndefinedReason is { } spearman) reasons.Add($"ρ undefined: {spearman}");
        if (report.Kappa.UndefinedReason is { } kappa) reasons.Add($"κ undefined: {kappa}");
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
