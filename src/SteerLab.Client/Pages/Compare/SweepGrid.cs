using System.Globalization;

namespace SteerLab.Client.Pages.Compare;

/// <summary>A λ grid as people type it ("-4, -2, 0, 2, 4"; the typographic minus "−" is accepted too).</summary>
public static class SweepGrid
{
    public static string Format(IEnumerable<double> lambdas) =>
        string.Join(", ", lambdas.Select(l => l.ToString("0.###", CultureInfo.InvariantCulture)));

    /// <summary>The numbers in order, or a problem naming the first entry that is not a finite number.</summary>
    public static (double[]? Lambdas, string? Problem) Parse(string? text)
    {
        var parts = (text ?? "").Split([',', ';', ' '], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return (null, "give at least one coefficient");
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i].Replace('−', '-');
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                return (null, $"'{parts[i]}' is not a number");
        }
        return (values, null);
    }
}
