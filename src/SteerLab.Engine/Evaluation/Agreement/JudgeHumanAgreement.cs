using SteerLab.Engine.Evaluation.Judges;

namespace SteerLab.Engine.Evaluation.Agreement;

/// <summary>One answer scored on one rubric item by the judge and by a human reviewer (0–10 each). <see cref="Key"/>
/// identifies the answer for the caller (e.g. "question 3, λ = 2, steered").</summary>
public sealed record RatedAnswer(string Key, double JudgeScore, double HumanScore)
{
    public double AbsoluteDifference => Math.Abs(JudgeScore - HumanScore);
}

/// <summary>Judge–human agreement on one rubric item (DESIGN §6, Team review): Spearman's ρ, quadratic-weighted κ on
/// the 11 categories of the 0–10 scale, both with their n, and the answers they disagree on most.</summary>
public sealed record AgreementReport(RubricItem Item, int N, AgreementStatistic Spearman, AgreementStatistic Kappa,
    IReadOnlyList<RatedAnswer> LargestDisagreements);

public static class JudgeHumanAgreement
{
    /// <param name="pairs">Answers both the judge and a human scored. Answers the judge did not score
    /// (unparseable, failed …) have no judge score and are left out by the caller, and counted there.</param>
    public static AgreementReport Compute(RubricItem item, IReadOnlyList<RatedAnswer> pairs, int largest = 5)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var pair in pairs)
            if (!RubricScale.Contains(pair.JudgeScore) || !RubricScale.Contains(pair.HumanScore))
                throw new ArgumentException($"'{pair.Key}': scores must be in [0, 10] (judge {pair.JudgeScore}, human {pair.HumanScore})");
        var judge = pairs.Select(p => p.JudgeScore).ToArray();
        var human = pairs.Select(p => p.HumanScore).ToArray();
        return new AgreementReport(item, pairs.Count, SpearmanCorrelation.Compute(judge, human), QuadraticWeightedKappa.Compute(judge, human),
            LargestDisagreements(pairs, largest));
    }

    /// <summary>The <paramref name="count"/> answers with the largest |judge − human|, largest first; equal differences
    /// keep the input order. Answers the two agree on exactly are never listed.</summary>
    public static IReadOnlyList<RatedAnswer> LargestDisagreements(IReadOnlyList<RatedAnswer> pairs, int count)
    {
        if (count < 0) throw new ArgumentException($"count must be ≥ 0, got {count}");
        return pairs.Where(p => p.AbsoluteDifference > 0).OrderByDescending(p => p.AbsoluteDifference).Take(count).ToList();
    }
}
