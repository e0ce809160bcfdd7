namespace SteerLab.Engine.Evaluation.Agreement;

/// <summary>Cohen's κ with quadratic weights between two raters on the rubric's 0–10 scale (11 ordered categories):
/// κ_w = 1 − Σᵢⱼ wᵢⱼOᵢⱼ / Σᵢⱼ wᵢⱼEᵢⱼ, with wᵢⱼ = (i − j)² / (k − 1)², O the observed counts of (first, second) category
/// pairs and Eᵢⱼ = rowᵢ·colⱼ / n the counts expected if the raters were independent with the same marginals. 1 is perfect
/// agreement, 0 is chance level, negative is worse than chance.
/// <para>Scores are put in categories by rounding to the nearest whole number (halves away from zero: 6.5 → 7), so a
/// model judge's expected score 6.7 counts as a 7. Undefined when the expected disagreement is 0, which happens exactly
/// when both raters put every answer in one and the same category.</para></summary>
public static class QuadraticWeightedKappa
{
    public const int RubricCategories = 11;

    /// <summary>The 0–10 category of a score (nearest whole number, halves away from zero).</summary>
    public static int Category(double score)
    {
        if (!double.IsFinite(score) || score < 0 || score > RubricCategories - 1)
            throw new ArgumentOutOfRangeException(nameof(score), score, $"a rubric score is in [0, {RubricCategories - 1}]");
        return (int)Math.Round(score, MidpointRounding.AwayFromZero);
    }

    public static AgreementStatistic Compute(IReadOnlyList<double> first, IReadOnlyList<double> second) =>
        Compute(first.Select(Category).ToArray(), second.Select(Category).ToArray(), RubricCategories);

    /// <param name="first">Categories 0 … <paramref name="categories"/> − 1 given by the first rater.</param>
    public static AgreementStatistic Compute(IReadOnlyList<int> first, IReadOnlyList<int> second, int categories)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (categories < 2) throw new ArgumentException($"κ needs at least 2 categories, got {categories}");
        if (first.Count != second.Count) throw new ArgumentException($"{first.Count} ratings on one side and {second.Count} on the other");
        if (first.Concat(second).Any(c => c < 0 || c >= categories)) throw new ArgumentException($"every category must be in [0, {categories - 1}]");
        int n = first.Count;
        if (n == 0) return AgreementStatistic.Undefined(0, "no rated answers");

        var observed = new double[categories, categories];
        var rows = new double[categories];
        var columns = new double[categories];
        for (int i = 0; i < n; i++)
        {
            observed[first[i], second[i]]++;
            rows[first[i]]++;
            columns[second[i]]++;
        }
        double observedDisagreement = 0, expectedDisagreement = 0, scale = (categories - 1.0) * (categories - 1.0);
        for (int i = 0; i < categories; i++)
            for (int j = 0; j < categories; j++)
            {
                double weight = (i - j) * (i - j) / scale;
                observedDisagreement += weight * observed[i, j];
                expectedDisagreement += weight * rows[i] * columns[j] / n;
            }
        if (expectedDisagreement == 0)
            return AgreementStatistic.Undefined(n, "both raters put every answer in the same single category, so chance agreement is perfect");
        return new AgreementStatistic(1 - observedDisagreement / expectedDisagreement, n, null);
    }
}
