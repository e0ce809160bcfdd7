using SteerLab.Server.Runs;

namespace SteerLab.Server.Tests.Runs;

/// <summary>The exports' CSV: RFC 4180 quoting, and text cells that a spreadsheet would run as formulas made inert.</summary>
public sealed class CsvWriterTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("plain = text", "plain = text")]
    [InlineData("", "")]
    public void TextStartingLikeAFormula_IsPrefixedWithAQuote(string text, string written) =>
        Assert.Equal(written, new CsvWriter().Text(text).ToString());

    [Fact]
    public void FieldsWithCommasQuotesOrLineBreaks_AreQuoted_AndRecordsEndWithCrLf()
    {
        var csv = new CsvWriter();
        csv.Text("a,b").Text("say \"hi\"").Text("two\nlines").Text("\r=x").EndRow();
        csv.Number(-2.5).Number((double?)null).Number(3L).EndRow();

        Assert.Equal("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"'\r=x\"\r\n-2.5,,3\r\n", csv.ToString());
    }
}
