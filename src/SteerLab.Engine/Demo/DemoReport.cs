using System.Globalization;
using System.Text;

namespace SteerLab.Engine.Demo;

/// <summary>The demo's steering evaluation as Markdown tables (what the README shows).</summary>
public static class DemoReport
{
    public static string Markdown(IReadOnlyList<DemoVectorEvaluation> results)
    {
        var text = new StringBuilder();
        foreach (var result in results)
        {
            var contrast = DemoContrast.All.Single(c => c.Id == result.Contrast);
            text.AppendLine(CultureInfo.InvariantCulture, $"**{result.Vector}** (genre score: {BrownGenres.Names[contrast.Positive]} vs {BrownGenres.Names[contrast.Negative]})");
            text.AppendLine();
            text.AppendLine("| λ | genre score (± s.e.), n | log-likelihood gap shift (nats/token) | held-out perplexity |");
            text.AppendLine("|---:|---:|---:|---:|");
            foreach (var p in result.Points)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {p.Lambda:0.##} | {Signed(p.GenreScore)} ± {p.GenreScoreStandardError:0.000}, {p.Samples} | {Signed(p.LogLikelihoodShift)} | {p.Perplexity:0.0} |");
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>"+0.123" / "−0.123", and "0.000" for anything that rounds to zero (no "−0.000").</summary>
    static string Signed(double value)
    {
        double rounded = Math.Round(value, 3);
        return rounded == 0 ? "0.000" : rounded.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
    }
}
