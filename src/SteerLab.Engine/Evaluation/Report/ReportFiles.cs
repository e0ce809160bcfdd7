namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Writes the report as report.md and report.html in one folder (each written to a temporary file first, so a
/// failed run never leaves half a report).</summary>
public static class ReportFiles
{
    public const string MarkdownFileName = "report.md";
    public const string HtmlFileName = "report.html";

    public static IReadOnlyList<string> Write(ReportDocument document, string folder)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var (name, text) in new[] { (MarkdownFileName, MarkdownReportWriter.Write(document)), (HtmlFileName, HtmlReportWriter.Write(document)) })
        {
            string path = Path.Combine(folder, name);
            File.WriteAllText(path + ".tmp", text);
            File.Move(path + ".tmp", path, overwrite: true);
            written.Add(path);
        }
        return written;
    }
}
