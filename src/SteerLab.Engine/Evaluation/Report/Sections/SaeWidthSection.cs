using SteerLab.Engine.Steering;
using static SteerLab.Engine.Evaluation.Report.ReportFormat;

namespace SteerLab.Engine.Evaluation.Report.Sections;

/// <summary>(d) SAE width scaling: SAS vectors built from the same activations in SAEs of several widths at one hook —
/// support size and effect.</summary>
public static class SaeWidthSection
{
    public static ReportSection Run(ReportWorkspace workspace, Action<string> status, CancellationToken cancellation)
    {
        var settings = workspace.Settings;
        var recipe = settings.WidthSaes;
        var trained = WidthSaeCache.LoadOrTrain(workspace, status, cancellation);
        foreach (var sae in trained) workspace.AddSae(sae);
        var given = workspace.Saes.Where(s => !s.TrainedForReport).ToList();
        double lambda = settings.SasProbeLambda;
        var unsteered = workspace.Meter.Unsteered(cancellation);

        var saeRows = new List<IReadOnlyList<string>>();
        foreach (var sae in trained.Concat(given))
        {
            var t = sae.Training;
            saeRows.Add([sae.Label, !sae.TrainedForReport ? "given" : sae.FromCache ? "trained for the report (cached by an earlier run)" : "trained by this run", Integer(sae.Width),
                t is null ? Missing : Integer(t.Steps), t is null ? Missing : Integer((long)t.Steps * t.BatchTokens),
                t is null ? Missing : Number(t.Fvu), t is null ? Missing : Number(t.L0, 1), t is null ? Missing : Percent(t.DeadFraction),
                t is null ? Missing : Number(t.LossDelta), t is null ? Missing : Seconds(t.WallSeconds)]);
        }
        var tables = new List<ReportTable>
        {
            new("The SAEs (trained ones: TopK at " + workspace.Hook + ", " + WidthSaeCache.SourceText(recipe) + ")",
                ["SAE", "origin", "width", "steps", "tokens seen", "held-out FVU", "L0 per token", "dead", "loss Δ spliced (nats)", "training time"], saeRows),
        };
        var charts = new List<ChartSpec>();
        var readings = new List<string>();
        foreach (var contrast in workspace.Contrasts)
        {
            var rows = new List<IReadOnlyList<string>>();
            var l0 = new List<ChartPoint>();
            var effects = new List<ChartPoint>();
            var results = new List<(ReportSae Sae, int L0, Estimate Shift)>();
            foreach (var sae in trained.Concat(given))
            {
                var vector = workspace.Vectors.Sas(contrast, sae, settings.SasTau, settings.SasRemoveCommonFeatures);
                status(Text($"{vector.Name} at λ = {lambda}"));
                var point = vector.L0 == 0 ? unsteered : workspace.Meter.Measure([new SteeringKnob(vector, lambda)], cancellation, perplexityOn: contrast.Name);
                var effect = point.Effect(contrast.Name);
                var shift = vector.L0 == 0 ? new Estimate(0, 0, 0, settings.SamplesPerPoint) : point.ShiftFrom(unsteered, contrast.Name);
                results.Add((sae, vector.L0, shift));
                if (sae.TrainedForReport)
                {
                    l0.Add(new ChartPoint(sae.Width, vector.L0));
                    effects.Add(ChartPoint.Of(sae.Width, effect));
                }
                rows.Add([sae.Label, Integer(sae.Width), Integer(vector.L0), Percent((double)vector.L0 / sae.Width, 2), Number(vector.L2Norm),
                    Percent(TopShare(vector)), Interval(effect) + (vector.L0 == 0 ? " (no features: unsteered)" : ""),
                    vector.L0 == 0 ? Missing : Interval(shift, signed: true), vector.L0 == 0 ? Missing : Interval(point[contrast.Name].GapShift, signed: true)]);
            }
            tables.Add(new ReportTable(Text($"{contrast.Name}: SAS vectors (τ {Coefficient(settings.SasTau)}, common features {(settings.SasRemoveCommonFeatures ? "removed" : "kept")}) in each SAE, at λ = {Coefficient(lambda)}"),
                ["SAE", "width", "L0", "L0 / width", "L2", "largest |entry| share of L1", EffectMeter.EffectName(contrast), "paired shift from unsteered", "held-out gap shift"], rows));
            charts.Add(new ChartSpec($"{contrast.Name}: SAS support size over SAE width", "SAE width (features)", "L0 of the SAS vector",
                [new ChartSeries("trained here", l0)]) { LogX = true, YMin = 0 });
            charts.Add(new ChartSpec(Text($"{contrast.Name}: SAS effect over SAE width at λ = {Coefficient(lambda)}"), "SAE width (features)", EffectMeter.EffectAxis(contrast),
                [new ChartSeries("trained here", effects)]) { LogX = true, Reference = (unsteered.Effect(contrast.Name).Mean, "unsteered") });
            readings.Add(Reading(contrast, results.Where(r => r.Sae.TrainedForReport).ToList(), lambda));
        }
        return new ReportSection
        {
            Id = ReportSectionId.SaeWidth,
            Title = "SAE width scaling: support size and effect",
            Claim = "The SAS paper reports that wider SAEs give sparser, more monosemantic steering vectors: as the dictionary grows, a behaviour is "
                + "captured by a smaller share of its features, each more specific.",
            Measured = Text($"{trained.Count} TopK SAEs (k {recipe.K}) of widths {string.Join(", ", trained.Select(s => Integer(s.Width)))}, trained for this report at {workspace.Hook} with one recipe — ")
                + Text($"{recipe.Steps} steps of {recipe.BatchTokens} tokens (far fewer than the demo SAE's training), on {WidthSaeCache.SourceText(recipe)} — plus the given SAE(s) for reference. ")
                + Text($"In each, a SAS vector from the same training activations (τ {Coefficient(settings.SasTau)}), applied at λ = {Coefficient(lambda)} ({settings.SamplesPerPoint} continuations per point). ")
                + "Trained SAEs are cached (see the cache folder) so re-runs reuse them; their training time is in the table.",
            Tables = tables,
            Charts = charts,
            Reading = string.Join(" ", readings),
            Notes = ["\"Largest |entry| share of L1\" is the largest absolute entry over the vector's L1 norm: 100% means one feature carries the whole vector (a crude concentration measure; the report has no automatic way to judge monosemanticity)."],
        };
    }

    static double TopShare(SteeringVector vector) => vector.L1Norm == 0 ? double.NaN : vector.Sparse!.Values.Max(v => Math.Abs((double)v)) / vector.L1Norm;

    /// <summary>The trend from the narrowest to the widest trained SAE (with how many of the steps between follow it),
    /// and what the sparser vectors still do at the fixed λ.</summary>
    static string Reading(ReportContrast contrast, List<(ReportSae Sae, int L0, Estimate Shift)> trained, double lambda)
    {
        if (trained.Count < 2) return $"{contrast.Name}: fewer than two trained widths, no trend to read.";
        var ordered = trained.OrderBy(r => r.Sae.Width).ToList();
        var (narrow, wide) = (ordered[0], ordered[^1]);
        int steps = ordered.Count - 1, falling = ordered.Zip(ordered.Skip(1)).Count(p => p.Second.L0 < p.First.L0);
        string support = string.Join(", ", ordered.Select(r => Text($"{r.L0} at width {r.Sae.Width}")));
        string shifts = string.Join(", ", ordered.Select(r => Signed(r.Shift.Mean)));
        string verdict = wide.L0 < narrow.L0
            ? Text($"The support shrinks as the SAE widens ({narrow.L0} features, {Percent((double)narrow.L0 / narrow.Sae.Width, 2)} of the dictionary, at width {narrow.Sae.Width}; {wide.L0}, {Percent((double)wide.L0 / wide.Sae.Width, 2)}, at width {wide.Sae.Width}; {falling} of {steps} doubling steps fall), as the paper reports. ")
            : Text($"The support does not shrink from width {narrow.Sae.Width} ({narrow.L0} features) to {wide.Sae.Width} ({wide.L0}): the claim is not reproduced with these briefly trained SAEs. ");
        int movingWide = ordered.Count(r => r.Sae.Width > narrow.Sae.Width && r.Shift.HasInterval && (r.Shift.Low > 0 || r.Shift.High < 0));
        string effect = Text($"Paired shifts of the behaviour at λ = {Coefficient(lambda)}: {shifts}. ")
            + (ordered.Last().Shift.Mean < narrow.Shift.Mean / 2
                ? "At one τ and λ the widest SAE's sparser vector moves the behaviour less than half as much as the narrowest one's"
                    + (ordered.Any(r => r.L0 == 0) ? " (an empty vector not at all)" : "")
                    + ": sparser here also means weaker at the same λ, and the wider vectors would need a larger λ."
                    + (movingWide > 0 ? Text($" {movingWide} of the {ordered.Count - 1} wider SAEs' vectors still shift it measurably (paired 95% interval).") : "")
                : movingWide > 0 ? "The wider SAEs' sparser vectors still steer." : "");
        return $"{contrast.Name}: support {support}. {verdict}{effect}";
    }
}
