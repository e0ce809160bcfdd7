using System.Globalization;
using SteerLab.Engine.Evaluation.OpenEnded;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>How numbers appear in the report: invariant culture, a fixed number of decimals, "—" for a value that was not
/// measured or not defined (never "NaN"), a minus sign only where the rounded value is not zero, and intervals as
/// "0.62 [0.55, 0.69]".</summary>
public static class ReportFormat
{
    public const string Missing = "—";

    public static string Number(double value, int decimals = 3)
    {
        if (!double.IsFinite(value)) return Missing;
        double rounded = Math.Round(value, decimals);
        if (rounded == 0) rounded = 0; // no "-0.000"
        return rounded.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    public static string Signed(double value, int decimals = 3)
    {
        string text = Number(value, decimals);
        return text == Missing || text.StartsWith('-') || Math.Round(value, decimals) == 0 ? text : "+" + text;
    }

    public static string Interval(Estimate estimate, int decimals = 3, bool signed = false)
    {
        if (!estimate.HasValue) return Missing;
        string mean = signed ? Signed(estimate.Mean, decimals) : Number(estimate.Mean, decimals);
        return estimate.HasInterval ? $"{mean} [{Number(estimate.Low, decimals)}, {Number(estimate.High, decimals)}]" : mean;
    }

    public static string Interval(ScoreSummary? summary, int decimals = 3) => summary is null ? Missing : Interval(Estimate.OfScore(summary), decimals);

    /// <summary>A coefficient as written in grids: "16", "-0.5", "0.25".</summary>
    public static string Coefficient(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Percent(double fraction, int decimals = 1) =>
        double.IsFinite(fraction) ? Number(fraction * 100, decimals) + "%" : Missing;

    public static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "F1" : "F0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Invariant formatting for prose: <c>ReportFormat.Text($"λ = {x}")</c>.</summary>
    public static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
