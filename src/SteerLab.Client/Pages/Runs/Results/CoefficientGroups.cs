using SteerLab.Client.Components;

namespace SteerLab.Client.Pages.Runs.Results;

/// <summary>Series of one kind of vector: dense vectors are scaled by α, SAS vectors by λ, and the two scales differ, so
/// each kind gets its own charts (as the Compare page's sweep does).</summary>
/// <param name="Key">"dense" or "sparse".</param>
/// <param name="Coefficients">Every coefficient of the members, in order.</param>
public sealed record CoefficientGroup<T>(string Key, string Title, string Symbol, IReadOnlyList<T> Members, double[] Coefficients)
{
    /// <summary>The value at each coefficient (NaN where <paramref name="valueAt"/> has none: a gap in the line).</summary>
    public double[] Values(Func<double, double?> valueAt) => Coefficients.Select(c => valueAt(c) ?? double.NaN).ToArray();

    /// <summary>A line of the chart from each coefficient's value and interval (NaN where there is none).</summary>
    public CoefficientChart.Line Line(string name, Func<double, (double? Value, double? Low, double? High)> at)
    {
        var points = Coefficients.Select(at).ToArray(); // each coefficient looked up once
        double[] Of(Func<(double? Value, double? Low, double? High), double?> part) => points.Select(p => part(p) ?? double.NaN).ToArray();
        return new(name, Of(p => p.Value), Of(p => p.Low), Of(p => p.High));
    }
}

public static class CoefficientGroups
{
    /// <summary>The dense group, then the sparse one; a group without members is left out.</summary>
    public static IReadOnlyList<CoefficientGroup<T>> Split<T>(IEnumerable<T> series, Func<T, bool> isSparse, Func<T, IEnumerable<double>> coefficients)
    {
        var all = series.ToList();
        return new[] { (Sparse: false, Key: "dense", Title: "Dense vectors (α)"), (Sparse: true, Key: "sparse", Title: "Sparse vectors, SAS (λ)") }
            .Select(g => (g, Members: all.Where(s => isSparse(s) == g.Sparse).ToList()))
            .Where(x => x.Members.Count > 0)
            .Select(x => new CoefficientGroup<T>(x.g.Key, x.g.Title, RunLabels.CoefficientSymbol(x.g.Sparse), x.Members,
                x.Members.SelectMany(coefficients).Distinct().Order().ToArray()))
            .ToList();
    }

    /// <summary>Reference lines for a measure of the unsteered model: one "unsteered" line when every member has the same
    /// baseline (they share the unsteered answers), else one per member.</summary>
    public static IEnumerable<CoefficientChart.Line> Baselines<T>(CoefficientGroup<T> group, Func<T, string> name, Func<T, double?> baseline)
    {
        var values = group.Members.Select(m => (Name: name(m), Value: baseline(m))).Where(b => b.Value is not null).ToList();
        if (values.Count == 0) yield break;
        if (values.Select(v => Math.Round(v.Value!.Value, 9)).Distinct().Count() == 1)
        {
            yield return new CoefficientChart.Line("unsteered", group.Coefficients.Select(_ => values[0].Value!.Value).ToArray(), IsReference: true);
            yield break;
        }
        foreach (var (member, value) in values)
            yield return new CoefficientChart.Line($"unsteered · {member}", group.Coefficients.Select(_ => value!.Value).ToArray(), IsReference: true);
    }
}
