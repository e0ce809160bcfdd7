using System.Text;

namespace SteerLab.Engine.Steering.Datasets;

/// <summary>One CSV record: the 1-based line it starts on, its fields, and the first problem found in it (null
/// when well-formed).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Problem);

/// <summary>A small CSV reader following RFC 4180: comma-separated fields, records ended by CRLF (LF or CR alone
/// also accepted), fields optionally enclosed in double quotes, inside which commas and line breaks are literal and
/// a quote is written as two. No CSV library is referenced by the project, and this is all the dataset upload
/// needs. Departures from the RFC are reported per record instead of guessed at: a quote inside an unquoted field,
/// text after a closing quote. Completely empty lines are skipped. An unclosed quote ends the reading with a
/// problem on the record where it opened.</summary>
internal static class Rfc4180Reader
{
    public static IEnumerable<CsvRecord> Read(string text)
    {
        int i = 0, line = 1, n = text.Length;
        var field = new StringBuilder();
        while (i < n)
        {
            if (text[i] is '\r' or '\n')
            {
                i = SkipLineBreak(text, i);
                line++;
                continue;
            }
            int recordLine = line;
            var fields = new List<string>();
            string? problem = null;
            while (true)
            {
                field.Clear();
                if (i < n && text[i] == '"')
                {
                    i++;
                    bool closed = false;
                    while (i < n)
                    {
                        char c = text[i];
                        if (c == '"')
                        {
                            if (i + 1 < n && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                            i++;
                            closed = true;
                            break;
                        }
                        if (c == '\n' || (c == '\r' && (i + 1 >= n || text[i + 1] != '\n'))) line++;
                        field.Append(c);
                        i++;
                    }
                    if (!closed)
                    {
                        fields.Add(field.ToString());
                        yield return new CsvRecord(recordLine, fields, "a quoted field opened in this record is never closed");
                        yield break;
                    }
                    if (i < n && !IsFieldEnd(text[i]))
                    {
                        problem ??= $"text after a closing quote (column {fields.Count + 1}); a quote inside a quoted field is written \"\"";
                        while (i < n && !IsFieldEnd(text[i])) field.Append(text[i++]);
                    }
                }
                else
                {
                    while (i < n && !IsFieldEnd(text[i]))
                    {
                        if (text[i] == '"')
                            problem ??= $"a quote inside an unquoted field (column {fields.Count + 1}); a field holding quotes must be enclosed in quotes";
                        field.Append(text[i++]);
                    }
                }
                fields.Add(field.ToString());
                if (i >= n) break;
                if (text[i] == ',') { i++; continue; }
                i = SkipLineBreak(text, i);
                line++;
                break;
            }
            yield return new CsvRecord(recordLine, fields, problem);
        }
    }

    static bool IsFieldEnd(char c) => c is ',' or '\r' or '\n';

    /// <summary>Index after the line break (CRLF, LF or CR) starting at <paramref name="i"/>.</summary>
    static int SkipLineBreak(string text, int i) =>
        text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? i + 2 : i + 1;
}
