using SteerLab.Engine.Evaluation.Report;

namespace SteerLab.Engine.Tests.Report;

public class ReportWriterTests
{
    static ReportDocument Document(string cell = "a|b *c* <script>x</script> [link](http://evil) `code`") => new(
        "Report <of> things",
        "dotnet run -- report --out \"docs/report\" <x>",
        [("command", "dotnet run -- report --out docs/report"), ("model", "tiny | model")],
        "- starts like a list item",
        [new ReportSection
        {
            Id = ReportSectionId.SasVsCaa,
            Title = "SAS vs CAA",
            Claim = "1. looks like an ordered list",
            Measured = "measured with **stars** and _underscores_",
            Tables = [new ReportTable("caption | with pipe", ["method", "effect"], [["CAA", ReportFormat.Interval(new Estimate(0.5, 0.4, 0.6, 10))], ["model text", cell]])],
            Charts = [new ChartSpec("chart <title>", "λ", "score", [new ChartSeries("CAA", [new ChartPoint(1, 0.5, 0.4, 0.6)])])],
            Reading = "reading\nwith a line break",
            Notes = ["a note <b>"],
            WallSeconds = 12.34,
        }]);

    [Fact]
    public void Markdown_EscapesCellsAndText_SoModelOutputCannotBreakTheTableOrAddMarkup()
    {
        string md = MarkdownReportWriter.Write(Document());
        var rows = md.Split('\n').Where(l => l.StartsWith("| model text")).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(row, @"(?<!\\)\|")); // the three cell borders, no more
        Assert.Contains(@"a\|b \*c\* \<script\>x\</script\> \[link\](http://evil) \`code\`", row);
        Assert.DoesNotContain("<script>", md);
        Assert.Contains(@"\- starts like a list item", md);
        Assert.Contains(@"1\. looks like an ordered list", md);
        Assert.Contains(@"measured with \*\*stars\*\* and \_underscores\_", md);
        Assert.Contains("reading with a line break", md);
        Assert.Contains(@"| model | tiny \| model |", md);
    }

    [Fact]
    public void Markdown_HasHeaderContentsSectionAnchorTableChartPointerAndWallTime()
    {
        string md = MarkdownReportWriter.Write(Document());
        Assert.StartsWith("# Report \\<of\\> things\n\nProduced by:\n\n```\ndotnet run -- report --out \"docs/report\" <x>\n```\n", md.ReplaceLineEndings("\n"));
        Assert.Contains("## Provenance", md);
        Assert.Contains("- [a. SAS vs CAA](#section-sas-vs-caa)", md);
        Assert.Contains("<a id=\"section-sas-vs-caa\"></a>", md);
        Assert.Contains("## a. SAS vs CAA", md);
        Assert.Contains("| method | effect |", md);
        Assert.Contains("| CAA | 0.500 [0.400, 0.600] |".Replace("[", @"\[").Replace("]", @"\]"), md);
        Assert.Contains(@"*Chart: chart \<title\>", md);
        Assert.Contains("*Section wall time: 12 s.*", md);
    }

    [Fact]
    public void Html_IsSelfContained_EscapesEveryText_AndInlinesTheCharts()
    {
        string html = HtmlReportWriter.Write(Document());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.Contains("&lt;script&gt;x&lt;/script&gt;", html);
        Assert.Contains("Report &lt;of&gt; things", html);
        Assert.Contains("<pre><code>dotnet run -- report --out &quot;docs/report&quot; &lt;x&gt;</code></pre>", html);
        Assert.Contains("a note &lt;b&gt;", html);
        Assert.Contains("<section id=\"section-sas-vs-caa\">", html);
        Assert.Contains("<a href=\"#section-sas-vs-caa\">", html);
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\"", html);
        Assert.Contains("chart &lt;title&gt;", html);
        Assert.Contains("<td>0.500 [0.400, 0.600]</td>", html);
    }

    [Fact]
    public void Tables_WithRaggedRows_AreRejectedWithTheCaptionNamed()
    {
        var document = Document() with
        {
            Sections = [Document().Sections[0] with { Tables = [new ReportTable("ragged", ["a", "b"], [["only one"]])] }],
        };
        var error = Assert.Throws<ArgumentException>(() => MarkdownReportWriter.Write(document));
        Assert.Contains("ragged", error.Message);
        Assert.Throws<ArgumentException>(() => HtmlReportWriter.Write(document));
    }

    [Fact]
    public void Numbers_AreInvariant_MissingValuesAreADash_AndThereIsNoNegativeZero()
    {
        Assert.Equal("—", ReportFormat.Number(double.NaN));
        Assert.Equal("—", ReportFormat.Interval(Estimate.Missing));
        Assert.Equal("0.000", ReportFormat.Number(-0.0001));
        Assert.Equal("0%", ReportFormat.Percent(-0.001, 0));
        Assert.Equal("+0.120", ReportFormat.Signed(0.12));
        Assert.Equal("-0.120", ReportFormat.Signed(-0.12));
        Assert.Equal("0.000", ReportFormat.Signed(0.0001));
        Assert.Equal("0.500", ReportFormat.Interval(new Estimate(0.5, double.NaN, double.NaN, 1)));
        Assert.Equal("+0.500 [0.100, 0.900]", ReportFormat.Interval(new Estimate(0.5, 0.1, 0.9, 9), signed: true));
        Assert.Equal("-0.5", ReportFormat.Coefficient(-0.5));
    }

    [Fact]
    public void FilesAreWrittenWhole_AsReportMdAndReportHtml()
    {
        string folder = Directory.CreateTempSubdirectory("steerlab-report-files-").FullName;
        try
        {
            var written = ReportFiles.Write(Document(), folder);
            Assert.Equal([Path.Combine(folder, "report.md"), Path.Combine(folder, "report.html")], written);
            Assert.Equal(["report.html", "report.md"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
