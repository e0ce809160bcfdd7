using SteerLab.Client.Pages.Compare;
using SteerLab.Shared.Compare;

namespace SteerLab.Client.Pages.Runs.New;

/// <summary>A run's coefficient grid as typed ("−4, −2, 0, 2, 4"): read as the Compare page's sweep reads it
/// (<see cref="SweepGrid"/>), and refused when it repeats a value or holds more than <see cref="SweepRequest.MaxLambdas"/>.</summary>
public static class RunGrid
{
    public static string Format(IEnumerable<double> values) => SweepGrid.Format(values);

    public static (double[]? Values, string? Problem) Parse(string? text)
    {
        var (values, problem) = SweepGrid.Parse(text);
        if (values is null) return (null, problem);
        if (values.Length > SweepRequest.MaxLambdas) return (null, $"at most {SweepRequest.MaxLambdas} coefficients, not {values.Length}");
        if (values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            return (null, $"{RunLabels.Coefficient(repeated.Key)} appears more than once");
        return (values, null);
    }
}
