using SteerLab.Engine.Steering;
using static SteerLab.Engine.Evaluation.Report.ReportFormat;

namespace SteerLab.Engine.Evaluation.Report.Sections;

/// <summary>(e) Composition: two vectors at once against each alone, each measured with its own contrast's judge.</summary>
public static class CompositionSection
{
    public static ReportSection Run(ReportWorkspace workspace, Action<string> status, CancellationToken cancellation)
    {
        var settings = workspace.Settings;
        const string claim = "SAS composes: vectors for different behaviours can be applied together (at one hook, as one code edit "
            + "s = σ(c + λ₁v₁ + λ₂v₂)) and each behaviour still moves, because the vectors touch few and mostly different features. Dense vectors "
            + "simply add; the paper contrasts this with the interference of dense directions.";
        if (workspace.Contrasts.Count < 2)
            return new ReportSection
            {
                Id = ReportSectionId.Composition, Title = "Composition: two vectors at once", Claim = claim,
                Measured = "Not measured: composition needs two datasets (give --dataset twice).", Tables = [], Charts = [],
                Reading = "Not measured on this run.",
            };

        var (first, second) = (workspace.Contrasts[0], workspace.Contrasts[1]);
        var names = new[] { first.Name, second.Name };
        var unsteered = workspace.Meter.Unsteered(cancellation);
        var tables = new List<ReportTable>();
        var charts = new List<ChartSpec>();
        var readings = new List<string>();
        foreach (var (method, a, b, coefficient) in new[]
        {
            ("CAA", workspace.Vectors.Caa(first), workspace.Vectors.Caa(second), settings.CompositionCaaAlpha),
            ("SAS", workspace.Vectors.Sas(first), workspace.Vectors.Sas(second), settings.CompositionSasLambda),
        })
        {
            var setups = new (string Label, SteeringKnob[] Knobs)[]
            {
                ("unsteered", []),
                ($"{first.Name} alone", [new SteeringKnob(a, coefficient)]),
                ($"{second.Name} alone", [new SteeringKnob(b, coefficient)]),
                ("both at once", [new SteeringKnob(a, coefficient), new SteeringKnob(b, coefficient)]),
            };
            var points = new List<PointMeasurement>();
            foreach (var (label, knobs) in setups)
            {
                status($"{method} composition: {label}");
                points.Add(workspace.Meter.Measure(knobs.Where(k => k.Vector.L0 > 0).ToArray(), cancellation, gapsOn: names));
            }
            string coefficientName = method == "SAS" ? "λ" : "α";
            tables.Add(new ReportTable(Text($"{method} at {coefficientName} = {Coefficient(coefficient)}: each contrast's effect under each setup"),
                ["setup", EffectMeter.EffectName(first), EffectMeter.EffectName(second), $"{first.Name} gap shift", $"{second.Name} gap shift", "coherence (0–1)"],
                setups.Select((s, i) => (IReadOnlyList<string>)[s.Label, Interval(points[i].Effect(first.Name)), Interval(points[i].Effect(second.Name)),
                    Interval(points[i][first.Name].GapShift, signed: true), Interval(points[i][second.Name].GapShift, signed: true), Interval(points[i].Coherence)]).ToList()));
            charts.Add(new ChartSpec(Text($"{method} composition ({coefficientName} = {Coefficient(coefficient)})"), "setup", EffectMeter.EffectAxis(first),
                names.Select(n => new ChartSeries($"{n} judge", points.Select((p, i) => ChartPoint.Of(i, p.Effect(n))).ToList())).ToList())
                { Kind = ChartKind.Bar, Categories = ["unsteered", first.Name, second.Name, "both at once"] });
            readings.Add(Reading(method, first.Name, second.Name, points, a, b));
        }
        return new ReportSection
        {
            Id = ReportSectionId.Composition,
            Title = "Composition: two vectors at once",
            Claim = claim,
            Measured = Text($"The CAA (α = {Coefficient(settings.CompositionCaaAlpha)}) and SAS (λ = {Coefficient(settings.CompositionSasLambda)}) vectors of section a for {first.Name} and {second.Name}, ")
                + Text($"each alone and both together, on generated tokens; every setup's continuations ({settings.SamplesPerPoint}) are judged on both contrasts, and both held-out gaps are measured."),
            Tables = tables,
            Charts = charts,
            Reading = string.Join(" ", readings),
            Notes = [Text($"The two contrasts are not independent: {first.Describe()} and {second.Describe()} share a genre axis (fiction against non-fiction), so some interference is expected whatever the method.")],
        };
    }

    /// <summary>How much of each vector's own shift (alone, against unsteered) survives when both are applied; a share is
    /// only computed for a vector whose own shift clears the unsteered interval (a ratio of noise means nothing).</summary>
    static string Reading(string method, string first, string second, List<PointMeasurement> points, SteeringVector a, SteeringVector b)
    {
        double Shift(int setup, string contrast) => points[setup].Effect(contrast).Mean - points[0].Effect(contrast).Mean;
        bool Moves(int setup, string contrast) => points[setup].Moves(points[0], contrast);
        if (!Moves(1, first) || !Moves(2, second))
            return Text($"{method}: alone, {first} shifts its own score by {Signed(Shift(1, first))} and {second} by {Signed(Shift(2, second))}; together by ")
                + Text($"{Signed(Shift(3, first))} and {Signed(Shift(3, second))}. ")
                + "At least one vector does not shift its own score measurably on its own (paired 95% interval), so how much survives composition cannot be read here.";
        double keptFirst = Shift(3, first) / Shift(1, first), keptSecond = Shift(3, second) / Shift(2, second);
        bool bothKept = keptFirst >= 0.5 && keptSecond >= 0.5;
        string overlap = a.IsSparse && b.IsSparse
            ? Text($" The two SAS vectors share {a.Sparse!.Indices.Intersect(b.Sparse!.Indices).Count()} of their {a.L0} and {b.L0} features.")
            : "";
        return Text($"{method}: alone, {first} shifts its own score by {Signed(Shift(1, first))} and {second} by {Signed(Shift(2, second))}; together they shift them by ")
            + Text($"{Signed(Shift(3, first))} and {Signed(Shift(3, second))} ({Percent(keptFirst, 0)} and {Percent(keptSecond, 0)} of the single-vector shifts).")
            + (bothKept ? " Both behaviours survive composition." : " At least one behaviour loses most of its shift when the other vector is added.")
            + overlap;
    }
}
