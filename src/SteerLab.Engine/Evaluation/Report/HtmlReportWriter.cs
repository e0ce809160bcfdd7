using System.Text;
using static SteerLab.Engine.Evaluation.Report.ReportFormat;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>The report as one self-contained HTML page: inline CSS, charts as inline SVG (<see cref="SvgChart"/>), no
/// scripts and nothing loaded from elsewhere, so it reads the same offline, attached to an issue or opened from disk.
/// Every text from the document is HTML-escaped.</summary>
public static class HtmlReportWriter
{
    const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1d; line-height: 1.45; }
        h1 { font-size: 1.7rem; } h2 { margin-top: 2.6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
        table { border-collapse: collapse; margin: .4rem 0 1.2rem; font-size: .9rem; }
        th, td { border: 1px solid #d4d4d4; padding: .25rem .5rem; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        table.provenance td:first-child { font-weight: 600; white-space: nowrap; }
        table.provenance td { word-break: break-word; }
        p.caption { font-style: italic; margin: 1rem 0 .2rem; }
        figure { display: inline-block; margin: .4rem 1rem 1rem 0; vertical-align: top; }
        .wall { color: #666; font-size: .85rem; }
        pre { background: #f5f5f5; padding: .5rem .8rem; overflow-x: auto; }
        nav ol { columns: 2; }
        """;

    public static string Write(ReportDocument document)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(Escape(document.Title)).AppendLine("</title>");
        html.Append("<style>").Append(Style).AppendLine("</style>");
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.Append("<h1>").Append(Escape(document.Title)).AppendLine("</h1>");
        html.Append("<p>Produced by:</p><pre><code>").Append(Escape(document.Command)).AppendLine("</code></pre>");
        html.Append("<p>").Append(Escape(document.Introduction)).AppendLine("</p>");
        html.AppendLine("<h2 id=\"provenance\">Provenance</h2>");
        html.AppendLine("<table class=\"provenance\">");
        foreach (var (label, value) in document.Header)
            html.Append("<tr><td>").Append(Escape(label)).Append("</td><td>").Append(Escape(value)).AppendLine("</td></tr>");
        html.AppendLine("</table>");
        html.AppendLine("<nav><h2>Contents</h2><ol type=\"a\">");
        foreach (var section in document.Sections)
            html.Append("<li><a href=\"#").Append(section.Anchor).Append("\">").Append(Escape(section.Title)).AppendLine("</a></li>");
        html.AppendLine("</ol></nav>");
        foreach (var (section, index) in document.Sections.Select((s, i) => (s, i)))
        {
            html.Append("<section id=\"").Append(section.Anchor).AppendLine("\">");
            html.Append("<h2>").Append(MarkdownReportWriter.Letter(index)).Append(". ").Append(Escape(section.Title)).AppendLine("</h2>");
            html.Append("<p><strong>The claim.</strong> ").Append(Escape(section.Claim)).AppendLine("</p>");
            html.Append("<p><strong>Measured here.</strong> ").Append(Escape(section.Measured)).AppendLine("</p>");
            foreach (var table in section.Tables) AppendTable(html, table);
            foreach (var chart in section.Charts)
                html.Append("<figure>").Append(SvgChart.Render(chart)).AppendLine("</figure>");
            if (section.Notes.Count > 0)
            {
                html.AppendLine("<ul>");
                foreach (string note in section.Notes) html.Append("<li>").Append(Escape(note)).AppendLine("</li>");
                html.AppendLine("</ul>");
            }
            html.Append("<p><strong>Reading.</strong> ").Append(Escape(section.Reading)).AppendLine("</p>");
            html.Append("<p class=\"wall\">Section wall time: ").Append(Escape(Seconds(section.WallSeconds))).AppendLine(".</p>");
            html.AppendLine("</section>");
        }
        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    static void AppendTable(StringBuilder html, ReportTable table)
    {
        table.Validate();
        html.Append("<p class=\"caption\">").Append(Escape(table.Caption)).AppendLine("</p>");
        html.AppendLine("<table>");
        html.Append("<thead><tr>");
        foreach (string column in table.Columns) html.Append("<th>").Append(Escape(column)).Append("</th>");
        html.AppendLine("</tr></thead>");
        html.AppendLine("<tbody>");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (string cell in row) html.Append("<td>").Append(string.IsNullOrWhiteSpace(cell) ? Missing : Escape(cell)).Append("</td>");
            html.AppendLine("</tr>");
        }
        html.AppendLine("</tbody>");
        html.AppendLine("</table>");
    }

    /// <summary>HTML text and attribute escaping, without characters no document should hold.</summary>
    public static string Escape(string text) => SvgChart.Escape(text);
}
