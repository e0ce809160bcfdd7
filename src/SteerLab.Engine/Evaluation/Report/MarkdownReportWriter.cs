using System.Text;
using static SteerLab.Engine.Evaluation.Report.ReportFormat;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>The report as Markdown (GitHub flavour): provenance table, contents, and per section the claim, what was
/// measured, the tables, the charts' titles (the charts themselves are drawn in report.html: Markdown renderers strip
/// inline SVG) and the reading. Every text from the document is escaped, so model output cannot break a table or add
/// markup.</summary>
public static partial class MarkdownReportWriter
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d+)([.)])(?=\s)")]
    private static partial System.Text.RegularExpressions.Regex OrderedListMarkerPattern();
    static readonly System.Text.RegularExpressions.Regex OrderedListMarker = OrderedListMarkerPattern();

    public static string Write(ReportDocument document)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(Escape(document.Title)).AppendLine();
        md.AppendLine("Produced by:").AppendLine();
        md.AppendLine("```").AppendLine(TextCleaning.WithoutInvalidXml(document.Command).Replace("```", "` ` `", StringComparison.Ordinal)).AppendLine("```").AppendLine();
        md.AppendLine(Paragraph(document.Introduction)).AppendLine();
        md.AppendLine("Charts for every section are in [report.html](report.html) (the same numbers, drawn as inline SVG).").AppendLine();
        md.AppendLine("## Provenance").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        foreach (var (label, value) in document.Header) md.Append("| ").Append(Cell(label)).Append(" | ").Append(Cell(value)).AppendLine(" |");
        md.AppendLine();
        md.AppendLine("## Contents").AppendLine();
        foreach (var (section, index) in document.Sections.Select((s, i) => (s, i)))
            md.Append("- [").Append(Letter(index)).Append(". ").Append(Escape(section.Title)).Append("](#").Append(section.Anchor).AppendLine(")");
        md.AppendLine();
        foreach (var (section, index) in document.Sections.Select((s, i) => (s, i)))
        {
            md.Append("<a id=\"").Append(section.Anchor).AppendLine("\"></a>").AppendLine();
            md.Append("## ").Append(Letter(index)).Append(". ").AppendLine(Escape(section.Title)).AppendLine();
            md.Append("**The claim.** ").AppendLine(Paragraph(section.Claim)).AppendLine();
            md.Append("**Measured here.** ").AppendLine(Paragraph(section.Measured)).AppendLine();
            foreach (var table in section.Tables) AppendTable(md, table);
            foreach (var chart in section.Charts)
                md.Append("*Chart: ").Append(Escape(chart.Title)).Append(" (").Append(Escape(chart.YLabel)).Append(" against ").Append(Escape(chart.XLabel))
                  .Append("), in [report.html](report.html#").Append(section.Anchor).AppendLine(").*").AppendLine();
            foreach (string note in section.Notes) md.Append("- ").AppendLine(Paragraph(note));
            if (section.Notes.Count > 0) md.AppendLine();
            md.Append("**Reading.** ").AppendLine(Paragraph(section.Reading)).AppendLine();
            md.Append("*Section wall time: ").Append(Seconds(section.WallSeconds)).AppendLine(".*").AppendLine();
        }
        return md.ToString();
    }

    public static string Letter(int index) => ((char)('a' + index)).ToString();

    static void AppendTable(StringBuilder md, ReportTable table)
    {
        table.Validate();
        md.Append("*").Append(Escape(table.Caption)).AppendLine("*").AppendLine();
        md.Append('|');
        foreach (string column in table.Columns) md.Append(' ').Append(Cell(column)).Append(" |");
        md.AppendLine();
        md.Append('|');
        foreach (var _ in table.Columns) md.Append("---|");
        md.AppendLine();
        foreach (var row in table.Rows)
        {
            md.Append('|');
            foreach (string cell in row) md.Append(' ').Append(Cell(cell)).Append(" |");
            md.AppendLine();
        }
        md.AppendLine();
    }

    /// <summary>Backslash-escapes the characters that make Markdown markup (CommonMark allows escaping any ASCII
    /// punctuation), drops characters no text file should hold, and folds line breaks into spaces.</summary>
    public static string Escape(string text)
    {
        var clean = TextCleaning.WithoutInvalidXml(text).Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
        var escaped = new StringBuilder(clean.Length + 8);
        foreach (char c in clean)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '~' or '#' or '!' or '&') escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>A table cell: escaped, never empty (an empty cell reads as a missing value).</summary>
    static string Cell(string text) => string.IsNullOrWhiteSpace(text) ? Missing : Escape(text);

    /// <summary>A paragraph's text: escaped, and a leading character that would start a list or quote is escaped too.</summary>
    static string Paragraph(string text)
    {
        string escaped = Escape(text.Trim());
        if (escaped.Length > 0 && escaped[0] is '-' or '+' or '=') return "\\" + escaped;
        return OrderedListMarker.Replace(escaped, "$1\\$2", 1); // "1. x" would start a numbered list: "1\. x"
    }
}
