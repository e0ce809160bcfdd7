using System.Globalization;
using SteerLab.Shared.Compare;

namespace SteerLab.Client.Pages.Compare;

/// <summary>What a heat map cell says: its printed value, its hover text, and its colour. Kept apart from the markup so
/// the words and the scale are tested directly.</summary>
public static class OverlapCellText
{
    /// <summary>The number printed in the cell ("0.42"); a dash for a pair that cannot be compared.</summary>
    public static string Value(OverlapCell cell) =>
        cell.Measure == OverlapMeasure.NotComparable ? "—" : cell.Value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>"A vs B: Jaccard 0.42 (12 shared of 28)", "A vs B: cosine 0.91", "A vs B: not comparable: different SAEs".</summary>
    public static string Hover(OverlapView view, int row, int column)
    {
        var cell = view.Cells[row][column];
        string pair = $"{view.Vectors[row].Name} vs {view.Vectors[column].Name}";
        string value = cell.Value.ToString("0.00", CultureInfo.InvariantCulture);
        return cell.Measure switch
        {
            OverlapMeasure.Jaccard => $"{pair}: Jaccard {value} ({cell.Shared} shared of {cell.Union}{SupportWords(view.Support)})",
            OverlapMeasure.Cosine => $"{pair}: cosine {value}",
            _ => $"{pair}: not comparable: {cell.Reason ?? "different kinds of vector"}",
        };
    }

    static string SupportWords(OverlapSupport support) => support switch
    {
        OverlapSupport.Positive => " reinforced features",
        OverlapSupport.Negative => " suppressed features",
        _ => "",
    };

    /// <summary>A diverging scale on [−1, 1]: white at 0, blue towards 1 (Jaccard and positive cosine), red towards −1
    /// (opposed dense vectors); not-comparable cells are grey and hatched.</summary>
    public static string Style(OverlapCell cell)
    {
        if (cell.Measure == OverlapMeasure.NotComparable)
            return "background: repeating-linear-gradient(45deg, #eeeeee, #eeeeee 4px, #d6d6d6 4px, #d6d6d6 8px); color: #757575;";
        double strength = Math.Clamp(Math.Abs(cell.Value), 0, 1);
        string rgb = cell.Value >= 0 ? "25, 118, 210" : "211, 47, 47";
        string text = strength > 0.55 ? "#ffffff" : "#212121";
        return string.Create(CultureInfo.InvariantCulture, $"background: rgba({rgb}, {strength:0.###}); color: {text};");
    }
}
