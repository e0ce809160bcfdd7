using SteerLab.Engine.Steering.Datasets;
using static SteerLab.Engine.Tests.Malformed.MalformedBytes;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>Contrastive datasets in JSON, JSON Lines and CSV: syntax, encodings (invalid UTF-8, byte order marks other
/// than UTF-8's), nesting, and 10 MB single lines. CSV formula strings (=cmd|…) are not here: they are accepted as the
/// plain text they are (see <see cref="MalformedInputTests.CsvFormulaStrings_AreReadAsPlainText"/>).</summary>
static class DatasetCases
{
    const int TenMegabytes = 10 * 1024 * 1024;

    static MalformedCase Dataset(string description, string fileName, byte[] bytes, string problem, DatasetLimits? limits = null) =>
        new("dataset " + Path.GetExtension(fileName)[1..].ToUpperInvariant(), description, typeof(DatasetFormatException), problem,
            folder => { string path = Write(folder, fileName, bytes); return (path, path); },
            path => ContrastiveDatasetReader.Read(path, limits: limits));

    static MalformedCase Dataset(string description, string fileName, string text, string problem, DatasetLimits? limits = null) =>
        Dataset(description, fileName, Utf8(text), problem, limits);

    const string Row = """{"prompt": "Tell me a story.", "positive": "Once upon a happy time", "negative": "Once upon a sad time"}""";
    const string CsvHeader = "prompt,positive,negative\n";

    public static IEnumerable<MalformedCase> All() =>
    [
        Dataset("unterminated string", "pairs.json", $"[{Row[..40]}", "invalid JSON"),
        Dataset("top level is an object", "pairs.json", Row, "the top level must be an array of objects"),
        Dataset("JSON nested 10,000 deep", "pairs.json", NestedArrays(10_000), "invalid JSON"),
        Dataset("invalid UTF-8 in a completion", "pairs.json", Splice($"[{Row}]", "happy", InvalidUtf8), "the file is not valid UTF-8"),
        Dataset("UTF-16 LE byte order mark", "pairs.json", [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes($"[{Row}]")], "the file is not valid UTF-8"),
        Dataset("UTF-16 BE byte order mark", "pairs.json", [0xFE, 0xFF, .. System.Text.Encoding.BigEndianUnicode.GetBytes($"[{Row}]")], "the file is not valid UTF-8"),
        Dataset("UTF-32 LE byte order mark", "pairs.json", [0xFF, 0xFE, 0, 0, .. System.Text.Encoding.UTF32.GetBytes($"[{Row}]")], "the file is not valid UTF-8"),
        Dataset("two UTF-8 byte order marks", "pairs.json", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. Utf8($"[{Row}]")], "invalid JSON"),
        Dataset("completion a number 1e400", "pairs.json", $"[{Row.Replace("\"Once upon a sad time\"", "1e400")}]", "field 'negative': must be a string, found a number"),
        Dataset("10 MB single line past an 8 MB limit", "pairs.jsonl", Filler(TenMegabytes), "more than the limit of 8388608",
            new DatasetLimits { MaxBytes = 8 * 1024 * 1024 }),
        Dataset("10 MB single line, unterminated string", "pairs.jsonl", "{\"prompt\": \"" + Filler(TenMegabytes), "line 1: invalid JSON"),
        Dataset("JSONL line nested 10,000 deep", "pairs.jsonl", $"{Row}\n{NestedArrays(10_000)}\n", "line 2: invalid JSON"),
        Dataset("JSONL line with invalid UTF-8", "pairs.jsonl", Splice($"{Row}\n{Row.Replace("happy", "glad")}\n", "glad", InvalidUtf8), "line 2: the file is not valid UTF-8"),
        Dataset("rows past the row limit", "pairs.jsonl",
            string.Join("\n", Enumerable.Range(0, 11).Select(i => Row.Replace("happy", $"happy {i}"))), "more than 10 rows (the limit)", new DatasetLimits { MaxRows = 10 }),
        Dataset("unterminated quote", "pairs.csv", CsvHeader + "\"Tell me a story.,happy,sad\n", "line 2, item 0: a quoted field opened in this record is never closed"),
        Dataset("10 MB single line, unterminated quote", "pairs.csv", CsvHeader + "\"" + Filler(TenMegabytes), "never closed"),
        Dataset("quote inside an unquoted field", "pairs.csv", CsvHeader + "Tell me a \"story\",happy,sad\n", "a quote inside an unquoted field"),
        Dataset("invalid UTF-8", "pairs.csv", Splice(CsvHeader + "Tell me a story.,happy,sad\n", "happy", InvalidUtf8), "line 2: the file is not valid UTF-8"),
        Dataset("header of formula strings", "pairs.csv", "=cmd|' /C calc'!A0,@SUM(1+1),+1\nTell me a story.,happy,sad\n", "header must name the columns"),
        Dataset("row with too many fields", "pairs.csv", CsvHeader + "Tell me a story.,happy,sad,extra\n", "has 4 fields, the header has 3"),
    ];
}
