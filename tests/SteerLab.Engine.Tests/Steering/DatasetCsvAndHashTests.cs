using System.Text;
using System.Text.Json;
using SteerLab.Engine.Steering.Datasets;
using static SteerLab.Engine.Tests.Steering.DatasetReaderTests;

namespace SteerLab.Engine.Tests.Steering;

public class DatasetCsvAndHashTests
{
    [Fact]
    public void Csv_HandlesRfc4180Quoting()
    {
        string csv = "\uFEFFPrompt , POSITIVE,negative,source\r\n" +
                     "\"Hello, world\",\"He said \"\"hi\"\"\",plain,x\r\n" +
                     "\"two\nlines\",\"\",\"b\",\r\n" +   // an empty quoted completion is an error, reported below
                     "p3,a,\"b, with comma\",y";           // no final line break
        var errors = Errors(csv, DatasetFileFormat.Csv);
        var error = Assert.Single(errors);
        Assert.Equal(3, error.Line);
        Assert.Equal("positive", error.Field);

        var dataset = ReadText(csv.Replace("\"\",\"b\"", "\"a\",\"b\""), DatasetFileFormat.Csv);
        Assert.Equal(PairKind.Completion, dataset.Kind);
        Assert.Equal(
            [
                ContrastivePair.Completion("Hello, world", "He said \"hi\"", "plain"),
                ContrastivePair.Completion("two\nlines", "a", "b"),
                ContrastivePair.Completion("p3", "a", "b, with comma"),
            ],
            dataset.Pairs);
    }

    [Fact]
    public void Csv_LineNumbersCountLineBreaksInsideQuotedFields()
    {
        string csv = "prompt,positive,negative\n" +
                     "\"a\nb\nc\",x,y\n" +       // lines 2-4
                     "\n" +                       // line 5: empty, skipped
                     "p,x\n";                     // line 6: too few fields
        var error = Assert.Single(Errors(csv, DatasetFileFormat.Csv));
        Assert.Equal(6, error.Line);
        Assert.Equal(1, error.Index);
        Assert.Contains("has 2 fields, the header has 3", error.Reason);
    }

    [Fact]
    public void Csv_MalformedRecordsAreAllReported()
    {
        string csv = "question,answer_matching_behavior,answer_not_matching_behavior\n" +
                     "Is it? (A) yes (B) no,(A),(B)\n" +
                     "Say \"what\",(A),(B)\n" +           // line 3: bare quote
                     "\"Quoted\" tail,(A),(B)\n" +        // line 4: text after closing quote
                     "Fine?,(A),(C),extra\n" +            // line 5: too many fields
                     "Fine again?,(B),(A)\n" +
                     "\"never closed,(A),(B)\n";          // line 7: unclosed quote runs to the end
        var errors = Errors(csv, DatasetFileFormat.Csv);
        Assert.Equal([3, 4, 5, 7], errors.Select(e => e.Line!.Value));
        Assert.Contains("quote inside an unquoted field", errors[0].Reason);
        Assert.Contains("after a closing quote", errors[1].Reason);
        Assert.Contains("has 4 fields", errors[2].Reason);
        Assert.Contains("never closed", errors[3].Reason);
    }

    [Fact]
    public void Csv_HeaderMustNameAnAcceptedLayout()
    {
        var error = Assert.Single(Errors("prompt,good,bad\np,a,b\n", DatasetFileFormat.Csv));
        Assert.Equal(1, error.Line);
        Assert.Contains("prompt, positive, negative", error.Reason);
        Assert.Contains("question, answer_matching_behavior, answer_not_matching_behavior", error.Reason);
        Assert.Contains("appear more than once", Assert.Single(Errors("prompt,positive,negative,Prompt\np,a,b,c\n", DatasetFileFormat.Csv)).Reason);
    }

    static readonly ContrastivePair[] Caa =
    [
        ContrastivePair.AnswerChoice("Would you lie?\n\nChoices:\n (A) Yes\n (B) No", "(A)", "(B)"),
        ContrastivePair.AnswerChoice("Say \"hi\", then stop. ünïcödé ✓", "(B)", "(A)"),
    ];

    static string AsJson(IEnumerable<ContrastivePair> pairs, bool indented) => JsonSerializer.Serialize(
        pairs.Select(p => new Dictionary<string, string>
        {
            ["answer_not_matching_behavior"] = p.NotMatchingAnswer, // field order differs from CAA's on purpose
            ["question"] = p.Question,
            ["answer_matching_behavior"] = p.MatchingAnswer,
        }), new JsonSerializerOptions { WriteIndented = indented });

    static string AsCsv(IEnumerable<ContrastivePair> pairs) =>
        "question,answer_matching_behavior,answer_not_matching_behavior\r\n" +
        string.Join("\r\n", pairs.Select(p => string.Join(",", new[] { p.Question, p.MatchingAnswer, p.NotMatchingAnswer }.Select(f => "\"" + f.Replace("\"", "\"\"") + "\""))));

    [Fact]
    public void ContentHash_IsTheSameForTheSameContentHoweverItIsWritten()
    {
        string hash = new ContrastiveDataset("a", Caa).ContentHash;
        Assert.Equal(hash, ReadText(AsJson(Caa, indented: true), DatasetFileFormat.Json).ContentHash);
        Assert.Equal(hash, ReadText(AsJson(Caa, indented: false), DatasetFileFormat.Json).ContentHash);
        Assert.Equal(hash, ReadText(AsJson(Caa, false).Replace("Would", "\\u0057ould"), DatasetFileFormat.Json).ContentHash); // escaped 'W'
        string lines = string.Join("\n", Caa.Select(p => AsJson([p], indented: false)[1..^1]));
        Assert.Equal(hash, ReadText(lines, DatasetFileFormat.JsonLines).ContentHash);
        Assert.Equal(hash, ReadText(AsCsv(Caa), DatasetFileFormat.Csv).ContentHash);
        Assert.Equal(hash, new ContrastiveDataset("another name", Caa.ToList()).ContentHash);
    }

    [Fact]
    public void ContentHash_ChangesWithAnyChangeOfContent()
    {
        string hash = new ContrastiveDataset("a", Caa).ContentHash;
        Assert.NotEqual(hash, new ContrastiveDataset("a", [Caa[1], Caa[0]]).ContentHash);
        Assert.NotEqual(hash, new ContrastiveDataset("a", [Caa[0]]).ContentHash);
        Assert.NotEqual(hash, new ContrastiveDataset("a", [Caa[0], Caa[1] with { Prompt = Caa[1].Prompt + " " }]).ContentHash);
        Assert.NotEqual(hash, new ContrastiveDataset("a", [Caa[0], Caa[1] with { Positive = "(A)", Negative = "(B)" }]).ContentHash);
        Assert.NotEqual(hash, new ContrastiveDataset("a", Caa.Select(p => p with { Kind = PairKind.Completion }).ToList()).ContentHash);
        // Length prefixes keep field boundaries: moving text between fields changes the hash.
        Assert.NotEqual(
            new ContrastiveDataset("a", [ContrastivePair.Completion("ab", "c", "d")]).ContentHash,
            new ContrastiveDataset("a", [ContrastivePair.Completion("a", "bc", "d")]).ContentHash);
    }
}
