using SteerLab.Engine.Steering;
using static SteerLab.Engine.Evaluation.Report.ReportFormat;

namespace SteerLab.Engine.Evaluation.Report.Sections;

/// <summary>(a) SAS vs CAA effect over the steering coefficient, per contrast, both directions.</summary>
public static class SasVsCaaSection
{
    public static ReportSection Run(ReportWorkspace workspace, Action<string> status, CancellationToken cancellation)
    {
        var settings = workspace.Settings;
        var tables = new List<ReportTable>();
        var charts = new List<ChartSpec>();
        var readings = new List<string>();
        var unsteered = workspace.Meter.Unsteered(cancellation);
        foreach (var contrast in workspace.Contrasts)
        {
            var caa = workspace.Vectors.Caa(contrast);
            var sas = workspace.Vectors.Sas(contrast);
            var caaPoints = Sweep(workspace, contrast, caa, settings.CaaAlphas, status, cancellation);
            var sasPoints = Sweep(workspace, contrast, sas, settings.SasLambdas, status, cancellation);

            var rows = new List<IReadOnlyList<string>>();
            foreach (var (method, vector, points) in new[] { ("CAA", caa, caaPoints), ("SAS", sas, sasPoints) })
                foreach (var (coefficient, point) in points)
                    rows.Add([method, Coefficient(coefficient), Interval(point.Effect(contrast.Name)),
                        Interval(point[contrast.Name].GapShift, signed: true), Interval(point.Coherence),
                        point.PerplexityInflation is { } inflation ? Interval(inflation) : Missing]);
            tables.Add(new ReportTable($"{contrast.Name}: CAA (L2 {Number(caa.L2Norm)}, {caa.L0} of {caa.DModel} coordinates) and SAS (τ {Coefficient(settings.SasTau)}, {sas.L0} of {sas.Sparse!.Width} features)",
                ["method", "α or λ", EffectMeter.EffectName(contrast), "held-out gap shift (nats/token)", "coherence (0–1)", "perplexity inflation"], rows));

            double? yMin = contrast.Judge is null ? null : 0, yMax = contrast.Judge is null ? null : 1;
            charts.Add(new ChartSpec($"{contrast.Name}: CAA", "α (CAA coefficient)", EffectMeter.EffectAxis(contrast),
                [new ChartSeries("CAA", caaPoints.Select(p => ChartPoint.Of(p.Coefficient, p.Point.Effect(contrast.Name))).ToList())])
                { YMin = yMin, YMax = yMax, Reference = (unsteered.Effect(contrast.Name).Mean, "unsteered") });
            charts.Add(new ChartSpec($"{contrast.Name}: SAS", "λ (SAS coefficient)", EffectMeter.EffectAxis(contrast),
                [new ChartSeries("SAS", sasPoints.Select(p => ChartPoint.Of(p.Coefficient, p.Point.Effect(contrast.Name))).ToList())])
                { YMin = yMin, YMax = yMax, Reference = (unsteered.Effect(contrast.Name).Mean, "unsteered") });
            readings.Add(Reading(contrast, caaPoints, sasPoints, sas));
            tables.Add(Examples(contrast, caaPoints, sasPoints));
        }
        return new ReportSection
        {
            Id = ReportSectionId.SasVsCaa,
            Title = "SAS vs CAA: effect over the steering coefficient",
            Claim = "SAS (Bayat et al. 2025) builds steering vectors in an SAE's feature space and applies them as a code edit; the paper "
                + "reports that these sparse vectors steer behaviour in both directions, with an effect that grows with λ, comparably to dense "
                + "CAA vectors while touching only a few features.",
            Measured = Text($"For each contrast, a CAA vector (mean difference of the training pairs' activations at {workspace.Hook}) and a SAS vector ") +
                Text($"({workspace.PrimarySae.Label}, width {workspace.PrimarySae.Width}) built from the same activations; each applied to generated tokens at ") +
                string.Join(", ", settings.CaaAlphas.Select(Coefficient)) + " (α) and " + string.Join(", ", settings.SasLambdas.Select(Coefficient)) +
                Text($" (λ). Every point: {settings.SamplesPerPoint} continuations ({settings.Prompts.Count} prompts × {settings.Seeds.Count} seeds, {settings.NewTokens} new tokens) ") +
                Text($"judged by the classifier, {HeldOutCounts(workspace)} held-out pairs for the gap shift, perplexity inflation on the other contrast's text. Intervals are 95%."),
            Tables = tables,
            Charts = charts,
            Reading = string.Join(" ", readings),
        };
    }

    static string HeldOutCounts(ReportWorkspace workspace) => string.Join(" / ", workspace.Contrasts.Select(c => Integer(c.HeldOut.Count)));

    /// <summary>The unsteered point and the vector at each coefficient, sorted by coefficient.</summary>
    internal static List<(double Coefficient, PointMeasurement Point)> Sweep(ReportWorkspace workspace, ReportContrast contrast, SteeringVector vector,
        IReadOnlyList<double> coefficients, Action<string> status, CancellationToken cancellation)
    {
        var points = new List<(double, PointMeasurement)> { (0, workspace.Meter.Measure([], cancellation, perplexityOn: contrast.Name)) };
        foreach (double coefficient in coefficients.Order())
        {
            status(Text($"{vector.Name} at {coefficient}"));
            points.Add((coefficient, workspace.Meter.Measure([new SteeringKnob(vector, coefficient)], cancellation, perplexityOn: contrast.Name)));
        }
        return [.. points.OrderBy(p => p.Item1)];
    }

    /// <summary>Effect at the most negative and most positive coefficient, and the span between them.</summary>
    internal static (Estimate Low, Estimate High, double Span) Span(IReadOnlyList<(double Coefficient, PointMeasurement Point)> points, string contrast)
    {
        var low = points[0].Point.Effect(contrast);
        var high = points[^1].Point.Effect(contrast);
        return (low, high, high.Mean - low.Mean);
    }

    static string Reading(ReportContrast contrast, List<(double Coefficient, PointMeasurement Point)> caa, List<(double Coefficient, PointMeasurement Point)> sas, SteeringVector sasVector)
    {
        var (caaLow, caaHigh, caaSpan) = Span(caa, contrast.Name);
        var (sasLow, sasHigh, sasSpan) = Span(sas, contrast.Name);
        string measure = contrast.Judge is null ? "the held-out gap shift" : "the behaviour score";
        double ratio = caaSpan == 0 ? double.NaN : sasSpan / caaSpan;
        bool sasMonotone = sas.Zip(sas.Skip(1)).All(p => p.Second.Point.Effect(contrast.Name).Mean >= p.First.Point.Effect(contrast.Name).Mean - 0.02);
        string verdict = sasVector.L0 == 0
            ? "SAS kept no feature at this τ, so it cannot steer at all here: the claim is not testable with these settings."
            : ratio >= 0.75 ? "Here SAS steers about as strongly as CAA over these grids, as the paper reports."
            : ratio >= 0.3 ? "SAS steers in the intended direction but clearly less far than CAA over these grids: the claim holds only partly here."
            : ratio > 0 ? "SAS barely moves the behaviour compared with CAA: on this model the claim of comparable steering is not reproduced."
            : "SAS does not move the behaviour in the intended direction here: the claim is not reproduced on this contrast.";
        return Text($"{contrast.Name}: CAA moves {measure} from {Number(caaLow.Mean)} (α = {Coefficient(caa[0].Coefficient)}) to {Number(caaHigh.Mean)} (α = {Coefficient(caa[^1].Coefficient)}), a span of {Number(caaSpan)}; ")
            + Text($"SAS with {sasVector.L0} features moves it from {Number(sasLow.Mean)} (λ = {Coefficient(sas[0].Coefficient)}) to {Number(sasHigh.Mean)} (λ = {Coefficient(sas[^1].Coefficient)}), a span of {Number(sasSpan)} ({Percent(ratio, 0)} of CAA's). ")
            + verdict + (sasMonotone ? "" : " The SAS curve is not monotone within the intervals' noise.")
            + " The two coefficients live on different scales (α multiplies a residual-stream vector, λ a feature-code difference), so only the span and shape compare, not the x positions.";
    }

    /// <summary>The first item's continuation unsteered and at each method's largest coefficient (text as generated).</summary>
    static ReportTable Examples(ReportContrast contrast, List<(double Coefficient, PointMeasurement Point)> caa, List<(double Coefficient, PointMeasurement Point)> sas)
    {
        static string Cut(string text) => text.Length <= 200 ? text.Trim() : text[..200].Trim() + "…";
        var unsteered = caa.Single(p => p.Coefficient == 0).Point.Continuations[0];
        return new ReportTable($"{contrast.Name}: the continuation of \"{unsteered.Prompt}\" (seed {unsteered.Seed}) unsteered and at each end of both grids",
            ["steering", "continuation"],
            [
                ["none", Cut(unsteered.Text)],
                [Text($"CAA α = {Coefficient(caa[0].Coefficient)}"), Cut(caa[0].Point.Continuations[0].Text)],
                [Text($"CAA α = {Coefficient(caa[^1].Coefficient)}"), Cut(caa[^1].Point.Continuations[0].Text)],
                [Text($"SAS λ = {Coefficient(sas[0].Coefficient)}"), Cut(sas[0].Point.Continuations[0].Text)],
                [Text($"SAS λ = {Coefficient(sas[^1].Coefficient)}"), Cut(sas[^1].Point.Continuations[0].Text)],
            ]);
    }
}
