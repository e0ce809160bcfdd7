using System.Globalization;
using System.Text;

namespace SteerLab.Server.Runs;

/// <summary>Writes RFC 4180 CSV: fields separated by commas, records ended by CRLF, a field holding a comma, a double
/// quote, CR or LF enclosed in double quotes with its quotes doubled. Numbers are written invariantly and round-trip
/// ("R"); a missing value is an empty field.
/// <para>Text fields are also defused against spreadsheet formula injection (CSV injection, OWASP): a cell that begins
/// with = + - @ (or a tab or CR, which some spreadsheets skip before reading a formula) is prefixed with a single quote,
/// so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it — model output and user-written
/// names are untrusted text. Numbers this class formats itself (a negative λ) are not text and are left alone.</para></summary>
public sealed class CsvWriter
{
    static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];
    static readonly char[] NeedsQuotes = [',', '"', '\r', '\n'];

    readonly StringBuilder text = new();
    bool rowStarted;

    public CsvWriter Text(string? value) => Field(Quote(Defuse(value ?? "")));

    public CsvWriter Number(double? value) => Field(value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "");

    public CsvWriter Number(long? value) => Field(value is long v ? v.ToString(CultureInfo.InvariantCulture) : "");

    public CsvWriter Texts(IEnumerable<string> values)
    {
        foreach (string value in values) Text(value);
        return this;
    }

    public void EndRow()
    {
        text.Append("\r\n");
        rowStarted = false;
    }

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(text.ToString());

    public override string ToString() => text.ToString();

    /// <summary>The text as a spreadsheet will show it, never as a formula.</summary>
    public static string Defuse(string value) => value.Length > 0 && FormulaStarts.Contains(value[0]) ? "'" + value : value;

    public static string Quote(string value) => value.IndexOfAny(NeedsQuotes) < 0 ? value : $"\"{value.Replace("\"", "\"\"")}\"";

    CsvWriter Field(string field)
    {
        if (rowStarted) text.Append(',');
        text.Append(field);
        rowStarted = true;
        return this;
    }
}
