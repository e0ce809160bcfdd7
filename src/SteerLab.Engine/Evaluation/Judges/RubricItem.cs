namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>What a judge scores an answer on (DESIGN §6, open-ended evaluation, as in CAA and SAE-TS): how strongly the
/// answer shows the behaviour the user described, and how coherent it is regardless of the behaviour.</summary>
public enum RubricItem { Behaviour, Coherence }

/// <summary>The rubric's scale: every judge scores 0–10 (0 = not at all / incoherent, 10 = completely / perfectly
/// coherent), decimals allowed (a model judge's expected score, a classifier's mapped score).
/// <para>Charts and means use the score rescaled to [0, 1] by <see cref="Normalise"/> = s / 10. CAA and SAE-TS ask
/// their judges for 1–10 and rescale with (s − 1) / 9, which maps their lowest score to 0 and their highest to 1; our
/// scale starts at 0, so the same idea (lowest → 0, highest → 1) is s / 10 — (s − 1) / 9 would send a 0 to −1/9. The
/// trade-off view is the per-answer product behaviour·coherence of the rescaled scores, in [0, 1], averaged over
/// answers (an answer contributes only when both items were scored).</para></summary>
public static class RubricScale
{
    public const double Min = 0;
    public const double Max = 10;

    public static bool Contains(double score) => score >= Min && score <= Max;

    /// <summary>s / 10: the score on [0, 1].</summary>
    public static double Normalise(double score)
    {
        if (!Contains(score)) throw new ArgumentOutOfRangeException(nameof(score), score, $"a rubric score is in [{Min}, {Max}]");
        return (score - Min) / (Max - Min);
    }
}
