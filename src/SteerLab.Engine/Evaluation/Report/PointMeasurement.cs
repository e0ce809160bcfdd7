using SteerLab.Engine.Evaluation.OpenEnded;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>What one steering setup does to one contrast's behaviour. <see cref="Behaviour"/> and <see cref="Product"/>
/// are the classifier judge's rescaled behaviour score and behaviour × coherence over the sampled continuations (null when
/// the contrast has no judge); <see cref="GapShift"/> is the change of the held-out log-likelihood gap (mean per-token
/// log-likelihood of the positive completion minus the negative one, nats per token) against the unsteered model, per
/// held-out pair. Per-item values (NaN where an item was not scored) are kept for paired statistics.</summary>
public sealed record ContrastEffect(ScoreSummary? Behaviour, IReadOnlyList<double> BehaviourValues, ScoreSummary? Product,
    Estimate GapShift, IReadOnlyList<double> GapShiftValues)
{
    public bool HasJudge => Behaviour is not null;
}

/// <summary>One measured point: per-contrast effects, the coherence of the continuations (perplexity-based, 0–1), the
/// perplexity inflation on held-out text when it was asked for, and the continuations themselves.</summary>
public sealed record PointMeasurement(IReadOnlyDictionary<string, ContrastEffect> Contrasts, ScoreSummary Coherence,
    IReadOnlyList<double> CoherenceValues, Estimate? PerplexityInflation, IReadOnlyList<Continuation> Continuations)
{
    public ContrastEffect this[string contrast] => Contrasts.TryGetValue(contrast, out var effect) ? effect
        : throw new KeyNotFoundException($"no contrast named '{contrast}' was measured");

    /// <summary>The report's effect measure for a contrast: the judge's behaviour score where there is a judge, the
    /// held-out log-likelihood gap shift otherwise (<see cref="EffectMeter.EffectName"/> says which).</summary>
    public Estimate Effect(string contrast) => this[contrast] is { Behaviour: { } behaviour } ? Estimate.OfScore(behaviour) : this[contrast].GapShift;

    public IReadOnlyList<double> EffectValues(string contrast) => this[contrast] is { HasJudge: true } e ? e.BehaviourValues : this[contrast].GapShiftValues;

    /// <summary>The effect's change from <paramref name="baseline"/>, item by item (the same prompt and seed, or the same
    /// held-out pair, in both), with its 95% interval: far tighter than comparing two unpaired intervals, because the
    /// items' own spread cancels. Items missing in either are skipped.</summary>
    public Estimate ShiftFrom(PointMeasurement baseline, string contrast)
    {
        var (steered, reference) = (EffectValues(contrast), baseline.EffectValues(contrast));
        if (steered.Count == 0 || steered.Count != reference.Count) return Estimate.Missing;
        return Estimate.Of(steered.Zip(reference).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).Select(p => p.First - p.Second).ToList());
    }

    /// <summary>Whether the paired shift from <paramref name="baseline"/> has a 95% interval that excludes zero.</summary>
    public bool Moves(PointMeasurement baseline, string contrast) => ShiftFrom(baseline, contrast) is { HasInterval: true } shift && (shift.Low > 0 || shift.High < 0);
}
