using System.Text;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Server.Datasets;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Tests.Datasets;

/// <summary>Which of the engine's readers reads an upload, and whose problems are reported when neither accepts it.</summary>
public sealed class DatasetUploadParserTests
{
    static ParsedUpload Parse(string text, string fileName) => DatasetUploadParser.Parse(Encoding.UTF8.GetBytes(text), fileName, DatasetLimits.Default);

    [Fact]
    public void EachLayout_IsRecognisedInEachFormat()
    {
        var caa = Parse("""[{"question": "Q\n(A) a\n(B) b", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"}]""", "caa.json");
        var plain = Parse("""{"prompt": "P", "positive": "good", "negative": "bad"}""", "plain.jsonl");
        var benchmark = Parse("prompt,correct,incorrect,category\n\"Q\n(A) a\n(B) b\",(B),(A),math\n", "bench.csv");

        Assert.Equal((DatasetFormat.Json, DatasetLayout.CaaAb, PairKind.AnswerChoice), (caa.Format, caa.Layout, caa.Dataset!.Kind));
        Assert.Equal((DatasetFormat.JsonLines, DatasetLayout.PlainPairs, PairKind.Completion), (plain.Format, plain.Layout, plain.Dataset!.Kind));
        Assert.Equal((DatasetFormat.Csv, DatasetLayout.AbBenchmark, PairKind.AnswerChoice), (benchmark.Format, benchmark.Layout, benchmark.Dataset!.Kind));
        Assert.Equal(("(B)", "(A)"), (benchmark.Dataset.Pairs[0].Positive, benchmark.Dataset.Pairs[0].Negative)); // correct plays "matching"
        Assert.All([caa, plain, benchmark], parsed => Assert.Empty(parsed.Errors));
    }

    [Fact]
    public void ABadRowOfAPlainPairsFile_IsReportedAsPlainPairs()
    {
        var parsed = Parse("""
            {"prompt": "P1", "positive": "good", "negative": "bad"}
            {"prompt": "P2", "positive": "good", "negative": ""}
            {"prompt": "P3", "positive": "fine", "negative": "poor"}
            """, "plain.jsonl");

        Assert.Null(parsed.Dataset);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal((2, "negative"), (error.Line, error.Field));
    }

    [Fact]
    public void ABadRowOfABenchmarkCsv_IsReportedAsABenchmark_NotAsAWrongHeader()
    {
        var parsed = Parse("prompt,correct,incorrect\nQ1,(A),(B)\nQ2,(A),maybe\n", "bench.csv");

        Assert.Null(parsed.Dataset);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal((3, 1, "incorrect"), (error.Line, error.Index, error.Field));
    }

    [Fact]
    public void AFileOfNeitherLayout_IsReportedWithTheFirstReadersLayouts()
    {
        var parsed = Parse("a,b,c\n1,2,3\n", "other.csv");

        var error = Assert.Single(parsed.Errors);
        Assert.Contains("question", error.Reason);
        Assert.Contains("positive", error.Reason);
    }

    [Fact]
    public void AnUnknownExtension_IsOneProblemAndNoFormat()
    {
        var parsed = Parse("prompt,positive,negative\nP,good,bad\n", "pairs.xlsx");

        Assert.Null(parsed.Format);
        Assert.Contains("unknown extension '.xlsx'", Assert.Single(parsed.Errors).Reason);
    }

    [Fact]
    public void StoredPairs_ReadBackAsTheSamePairsAndHash_AndPageFromOne()
    {
        var answerChoice = new ContrastiveDataset("ab", [ContrastivePair.AnswerChoice("Q \"1\"\n(A) ü\n(B) 𝔵", "(A)", "(B)"), ContrastivePair.AnswerChoice("Q2", "(B)", "(C)")]);
        var completion = new ContrastiveDataset("c", [ContrastivePair.Completion("", "a", "b"), ContrastivePair.Completion("p", "c", "d"), ContrastivePair.Completion("q", "e", "f")]);

        foreach (var dataset in new[] { answerChoice, completion })
        {
            string json = DatasetPairsJson.Write(dataset);
            Assert.Equal(dataset.ContentHash, DatasetPairsJson.Read(json, dataset.Name).ContentHash);
            Assert.Equal(dataset.Kind == PairKind.AnswerChoice ? DatasetPairKind.AnswerChoice : DatasetPairKind.Completion, DatasetPairsJson.KindOf(json));
        }
        var page = DatasetPairsJson.Page(DatasetPairsJson.Write(completion), skip: 1, take: 5);
        Assert.Equal(3, page.Total);
        Assert.Equal([new DatasetPair(2, "p", "c", "d"), new DatasetPair(3, "q", "e", "f")], page.Pairs);
        Assert.Equal(answerChoice.Pairs[0].Prompt, DatasetPairsJson.Page(DatasetPairsJson.Write(answerChoice), 0, 1).Pairs[0].Prompt);
    }
}
