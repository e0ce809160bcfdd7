using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Evaluation.OpenEnded;
using SteerLab.Engine.Evaluation.SideEffects;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Steering;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Measures a steering setup (any knobs, composed by one <see cref="SteeringPlan"/>) the same way everywhere in
/// the report: steer generated positions only (DESIGN §5), sample every prompt × seed, score each continuation with
/// every contrast's classifier judge (behaviour) and with perplexity coherence, shift of every contrast's held-out
/// log-likelihood gap, and, when asked, perplexity inflation on a contrast's held-out text. The unsteered model is
/// measured once and kept: every shift and inflation is against it.</summary>
public sealed class EffectMeter(ReportWorkspace workspace)
{
    const int ForwardBatchSize = 16;

    /// <summary>What one setup's continuations showed: their coherence and each judged contrast's behaviour.</summary>
    sealed record Sampled(IReadOnlyList<Continuation> Continuations, IReadOnlyList<Judgement> Coherence,
        IReadOnlyDictionary<string, IReadOnlyList<Judgement>> Behaviour);

    Sampled? unsteered;
    readonly Dictionary<string, Sampled> sampled = new(StringComparer.Ordinal);
    readonly Dictionary<string, double[]> gaps = new(StringComparer.Ordinal);
    readonly Dictionary<string, Estimate> inflations = new(StringComparer.Ordinal);
    readonly Dictionary<string, PerplexityResult> baselinePerplexity = new(StringComparer.Ordinal);
    readonly Dictionary<string, TimeSpan> timings = new(StringComparer.Ordinal);

    /// <summary>Time spent so far per kind of work ("sampling", "coherence", …), for the report's header.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Timings => timings;

    /// <summary>Steered setups sampled and judged so far (each at most once: repeats come from the cache).</summary>
    public int Count { get; private set; }

    /// <summary>A chart axis for <see cref="PointMeasurement.Effect"/> (the chart's title names the contrast).</summary>
    public static string EffectAxis(ReportContrast contrast) => contrast.Judge is null ? "gap shift (nats/token)" : "behaviour score (0–1)";

    /// <summary>What <see cref="PointMeasurement.Effect"/> is for a contrast.</summary>
    public static string EffectName(ReportContrast contrast) => contrast.Judge is null
        ? "held-out log-likelihood gap shift (nats/token)"
        : $"behaviour score ({contrast.Describe()} classifier judge, 0–1)";

    /// <summary>The unsteered model, with every contrast's gap (all zero shifts: the reference).</summary>
    public PointMeasurement Unsteered(CancellationToken cancellation) =>
        Measure([], cancellation, gapsOn: workspace.Contrasts.Select(c => c.Name).ToList());

    /// <summary>Measures a setup, reusing whatever was measured before for the same vectors (by id), coefficients and Δ
    /// setting: the continuations and their judgements, each contrast's gap, each perplexity inflation.</summary>
    /// <param name="perplexityOn">The contrast on whose held-out text perplexity inflation is measured (null: not measured).</param>
    /// <param name="gapsOn">Contrasts whose held-out gap shift is measured (default: <paramref name="perplexityOn"/>, or every
    /// contrast when that is null); the others get <see cref="Estimate.Missing"/>.</param>
    public PointMeasurement Measure(IReadOnlyList<SteeringKnob> knobs, CancellationToken cancellation, bool deltaCorrection = true,
        string? perplexityOn = null, IReadOnlyCollection<string>? gapsOn = null)
    {
        var active = knobs.Where(k => k.Coefficient != 0).ToList();
        string key = Key(active, deltaCorrection);
        unsteered ??= Sample([], true, cancellation);
        if (!sampled.TryGetValue(key, out var samples)) sampled[key] = samples = active.Count == 0 ? unsteered : Sample(active, deltaCorrection, cancellation);

        gapsOn ??= perplexityOn is not null ? [perplexityOn] : workspace.Contrasts.Select(c => c.Name).ToList();
        var effects = new Dictionary<string, ContrastEffect>(StringComparer.Ordinal);
        foreach (var contrast in workspace.Contrasts)
        {
            ScoreSummary? behaviour = null, product = null;
            IReadOnlyList<double> behaviourValues = [];
            if (samples.Behaviour.TryGetValue(contrast.Name, out var judgements))
            {
                behaviour = ScoreSummary.OfItem(judgements);
                behaviourValues = judgements.Select(Rescaled).ToList();
                product = Product(judgements, samples.Coherence);
            }
            var shift = Estimate.Missing;
            IReadOnlyList<double> shifts = [];
            if (gapsOn.Contains(contrast.Name))
            {
                var baseline = Gaps(contrast, [], true, cancellation);
                var steered = Gaps(contrast, active, deltaCorrection, cancellation);
                shifts = steered.Select((g, i) => g - baseline[i]).ToList();
                shift = Estimate.Of(shifts);
            }
            effects[contrast.Name] = new ContrastEffect(behaviour, behaviourValues, product, shift, shifts);
        }

        Estimate? inflation = null;
        if (perplexityOn is not null)
        {
            string inflationKey = $"{key}|perplexity on {perplexityOn}";
            if (!inflations.TryGetValue(inflationKey, out var known))
                inflations[inflationKey] = known = Timed("perplexity", () => Inflation(active, deltaCorrection, workspace.Contrast(perplexityOn), cancellation));
            inflation = known;
        }
        return new PointMeasurement(effects, ScoreSummary.OfItem(samples.Coherence), samples.Coherence.Select(Rescaled).ToList(), inflation, samples.Continuations);
    }

    /// <summary>Vector ids with coefficients, in a fixed order; the Δ setting only where a sparse vector makes it matter.</summary>
    static string Key(IReadOnlyList<SteeringKnob> knobs, bool deltaCorrection) =>
        string.Join(";", knobs.Select(k => $"{k.Vector.Id}:{k.Coefficient:R}").Order(StringComparer.Ordinal))
        + (knobs.Any(k => k.Vector.IsSparse) ? $"|delta:{deltaCorrection}" : "");

    T Timed<T>(string work, Func<T> run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try { return run(); }
        finally { timings[work] = timings.GetValueOrDefault(work) + clock.Elapsed; }
    }

    Sampled Sample(IReadOnlyList<SteeringKnob> knobs, bool deltaCorrection, CancellationToken cancellation)
    {
        if (knobs.Count > 0) Count++;
        using var plan = new SteeringPlan(knobs, workspace.ResolveSae, PositionScope.Generated, deltaCorrection);
        var continuations = Timed("sampling", () => workspace.Sampler.Sample(plan.Hooks.IsEmpty ? null : plan.Hooks, cancellation));
        var coherence = Timed("coherence", () => workspace.Coherence.Score(continuations.Select(c => (c.Prompt, c.Text)).ToList(), cancellation));
        var behaviour = new Dictionary<string, IReadOnlyList<Judgement>>(StringComparer.Ordinal);
        foreach (var contrast in workspace.Contrasts)
            if (contrast.Judge is { } judge)
                behaviour[contrast.Name] = Timed("classifier", () => continuations.Select(c => Behaviour(judge, c, cancellation)).ToList());
        return new Sampled(continuations, coherence, behaviour);
    }

    /// <summary>Per held-out pair of a contrast: mean per-token log-likelihood of the positive completion minus the
    /// negative one, each given its prompt (the prompt tokens are context, not scored), under the setup.</summary>
    double[] Gaps(ReportContrast contrast, IReadOnlyList<SteeringKnob> knobs, bool deltaCorrection, CancellationToken cancellation)
    {
        string key = $"{Key(knobs, deltaCorrection)}|gap of {contrast.Name}";
        if (gaps.TryGetValue(key, out var known)) return known;
        return gaps[key] = Timed("held-out gap", () =>
        {
            using var plan = new SteeringPlan(knobs, workspace.ResolveSae, PositionScope.Generated, deltaCorrection);
            var pairs = contrast.HeldOut;
            var sequences = pairs.Select(p => p.Positive.Ids).Concat(pairs.Select(p => p.Negative.Ids)).ToList();
            var contexts = pairs.Select(p => Math.Max(1, p.Positive.AnswerStart)).Concat(pairs.Select(p => Math.Max(1, p.Negative.AnswerStart))).ToList();
            var measured = Perplexity.Measure(workspace.Model, sequences, plan.Hooks.IsEmpty ? null : plan.Hooks, contexts, ForwardBatchSize, workspace.PadId, cancellation);
            int n = pairs.Count;
            return Enumerable.Range(0, n).Select(i => measured.Sequences[i].MeanLogLikelihood - measured.Sequences[n + i].MeanLogLikelihood).ToArray();
        });
    }

    /// <summary>Perplexity of the contrast's held-out text steered, over unsteered, with its paired interval.</summary>
    Estimate Inflation(IReadOnlyList<SteeringKnob> knobs, bool deltaCorrection, ReportContrast contrast, CancellationToken cancellation)
    {
        if (!baselinePerplexity.TryGetValue(contrast.Name, out var baseline))
            baselinePerplexity[contrast.Name] = baseline = Perplexity.Measure(workspace.Model, contrast.PerplexityText, hooks: null,
                batchSize: ForwardBatchSize, padId: workspace.PadId, cancellationToken: cancellation);
        if (knobs.Count == 0) return Estimate.OfInflation(PerplexityInflation.Between(baseline, baseline));
        using var plan = new SteeringPlan(knobs, workspace.ResolveSae, PositionScope.Generated, deltaCorrection);
        var steered = Perplexity.Measure(workspace.Model, contrast.PerplexityText, plan.Hooks,
            batchSize: ForwardBatchSize, padId: workspace.PadId, cancellationToken: cancellation);
        return Estimate.OfInflation(PerplexityInflation.Between(baseline, steered));
    }

    static Judgement Behaviour(IJudge judge, Continuation continuation, CancellationToken cancellation)
    {
        // The classifier judge answers synchronously (Task.FromResult); waiting on it blocks nothing.
        var task = judge.ScoreAsync(new JudgeRequest(RubricItem.Behaviour, continuation.Prompt, continuation.Text, judge.Name), cancellation);
        return task.GetAwaiter().GetResult();
    }

    static double Rescaled(Judgement judgement) => judgement is { IsScored: true, Score: double s } ? RubricScale.Normalise(s) : double.NaN;

    /// <summary>Behaviour × coherence per continuation (both rescaled); a continuation missing either is excluded under the
    /// status of the first one missing, as <see cref="ScoreSummary.OfProduct"/> does.</summary>
    static ScoreSummary Product(IReadOnlyList<Judgement> behaviour, IReadOnlyList<Judgement> coherence)
    {
        var values = new List<double>();
        var excluded = ExcludedCounts.None;
        for (int i = 0; i < behaviour.Count; i++)
        {
            if (behaviour[i].IsScored && coherence[i].IsScored) values.Add(Rescaled(behaviour[i]) * Rescaled(coherence[i]));
            else excluded = excluded.Add(behaviour[i].IsScored ? coherence[i].Status : behaviour[i].Status);
        }
        return ScoreSummary.Of(values, excluded);
    }
}
