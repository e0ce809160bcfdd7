using System.Text;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Tests.Support;

namespace SteerLab.Engine.Tests.Steering;

public class DatasetReaderTests
{
    internal static ContrastiveDataset ReadText(string text, DatasetFileFormat format, DatasetLimits? limits = null) =>
        ContrastiveDatasetReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "upload", format, "test", limits);

    internal static IReadOnlyList<DatasetError> Errors(string text, DatasetFileFormat format, DatasetLimits? limits = null) =>
        Assert.Throws<DatasetFormatException>(() => ReadText(text, format, limits)).Errors;

    static void HasError(IReadOnlyList<DatasetError> errors, int line, string? field, string reasonPart)
    {
        Assert.True(errors.Any(e => e.Line == line && e.Field == field && e.Reason.Contains(reasonPart, StringComparison.OrdinalIgnoreCase)),
            $"expected an error at line {line} field {field ?? "-"} containing '{reasonPart}'; got:\n{string.Join("\n", errors)}");
    }

    [SkippableTheory]
    [InlineData("coordinate-other-ais", 360)]
    [InlineData("corrigible-neutral-HHH", 290)]
    [InlineData("hallucination", 1000)]
    [InlineData("myopic-reward", 950)]
    [InlineData("refusal", 408)]
    [InlineData("survival-instinct", 903)]
    [InlineData("sycophancy", 1000)]
    public void Reader_AcceptsEveryCaaGenerationSet(string behaviour, int count)
    {
        string path = SharedData.Require($"caa/generate/{behaviour}/generate_dataset.json");
        var dataset = ContrastiveDatasetReader.Read(path, behaviour);
        Assert.Equal(count, dataset.Pairs.Count);
        Assert.Equal(PairKind.AnswerChoice, dataset.Kind);
        Assert.All(dataset.Pairs, p => Assert.True(AnswerLabel.IsValid(p.MatchingAnswer) && AnswerLabel.IsValid(p.NotMatchingAnswer)));
        Assert.Equal(new DatasetReference(behaviour, dataset.ContentHash, count), dataset.Reference);
        Assert.Matches("^[0-9a-f]{64}$", dataset.ContentHash);
    }

    [SkippableTheory]
    [InlineData("coordinate-other-ais/test_dataset_ab.json", 50)]
    [InlineData("corrigible-neutral-HHH/test_dataset_ab.json", 50)]
    [InlineData("hallucination/test_dataset_ab.json", 50)]
    [InlineData("myopic-reward/test_dataset_ab.json", 50)]
    [InlineData("refusal/test_dataset_ab.json", 50)]
    [InlineData("survival-instinct/test_dataset_ab.json", 50)]
    [InlineData("sycophancy/test_dataset_ab.json", 50)]
    [InlineData("mmlu/mmlu.json", 570)]
    [InlineData("truthfulqa/truthful_qa.json", 817)]
    public void AbTestSetReader_AcceptsCaaTestSetsAndTheAbBenchmarks(string file, int count)
    {
        var dataset = AbTestSetReader.Read(SharedData.Require($"caa/test/{file}"));
        Assert.Equal(count, dataset.Pairs.Count);
        Assert.Equal(PairKind.AnswerChoice, dataset.Kind);
    }

    [SkippableFact]
    public void AbTestSetReader_CorrectAnswerPlaysMatching()
    {
        var dataset = AbTestSetReader.Read(SharedData.Require("caa/test/truthfulqa/truthful_qa.json"));
        var first = dataset.Pairs[0];
        Assert.StartsWith("Please help me answer the following question.\nWhat happens to you if you eat watermelon seeds?", first.Question);
        Assert.Equal("(B)", first.MatchingAnswer);
        Assert.Equal("(A)", first.NotMatchingAnswer);
    }

    [Fact]
    public void Json_EveryBadRowIsReportedWithItsLineInOneGo()
    {
        string json = """
            [
              {"question": "Q1?\n (A) yes\n (B) no", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
              {"question": "Q2?", "answer_matching_behavior": "(A)"},
              {"question": "Q3?", "answer_matching_behavior": 1, "answer_not_matching_behavior": "(B)"},
              {"question": "   ", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
              {"question": "Q5?", "answer_matching_behavior": "Yes", "answer_not_matching_behavior": "(B)"},
              {"question": "Q1?\n (A) yes\n (B) no", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
              {"question": "Q7?", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(B)"},
              "not an object",
              {"question": "Q9?", "question": "again", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
              {"question": "Q10?", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)", "note": 3}
            ]
            """;
        var errors = Errors(json, DatasetFileFormat.Json);
        HasError(errors, 3, "answer_not_matching_behavior", "missing");
        HasError(errors, 4, "answer_matching_behavior", "must be a string, found a number");
        HasError(errors, 5, "question", "empty");
        HasError(errors, 6, "answer_matching_behavior", "not an answer label");
        HasError(errors, 7, null, "repeats the pair at line 2");
        HasError(errors, 8, "answer_not_matching_behavior", "same answer");
        HasError(errors, 9, null, "expected an object");
        HasError(errors, 10, "question", "more than once");
        Assert.Equal(8, errors.Count); // rows 1 and 10 are fine (extra fields are ignored)
        Assert.Equal(2, errors.Single(e => e.Line == 4).Index);
    }

    [Fact]
    public void JsonLines_ReportsEveryBadLineIncludingSyntaxErrors()
    {
        string jsonl = "{\"prompt\": \"I think\", \"positive\": \" you are kind\", \"negative\": \" you are cruel\"}\n" +
                       "\n" +
                       "{\"prompt\": \"x\", \"positive\": \"a\", \"negative\": \n" +
                       "{\"prompt\": \"\", \"positive\": \"a\", \"negative\": \"a\"}\r\n" +
                       "[1, 2]\n" +
                       "{\"prompt\": \"\", \"positive\": \"fine\", \"negative\": \"also fine\"}";
        var errors = Errors(jsonl, DatasetFileFormat.JsonLines);
        HasError(errors, 3, null, "invalid JSON");
        HasError(errors, 4, "negative", "same text");
        HasError(errors, 5, null, "expected an object");
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void PlainPairs_AllowAnEmptyPrompt_AndAreCompletionPairs()
    {
        var dataset = ReadText("[{\"prompt\": \"\", \"positive\": \"She smiled.\", \"negative\": \"Stocks fell.\"}]", DatasetFileFormat.Json);
        Assert.Equal(PairKind.Completion, dataset.Kind);
        Assert.Equal(ContrastivePair.Completion("", "She smiled.", "Stocks fell."), dataset.Pairs[0]);
    }

    [Fact]
    public void RowsMixingLayouts_AreRejected()
    {
        string json = """
            [
              {"prompt": "p", "positive": "a", "negative": "b"},
              {"question": "q?", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"}
            ]
            """;
        HasError(Errors(json, DatasetFileFormat.Json), 3, null, "but this dataset uses plain pairs");
    }

    [Fact]
    public void Json_SyntaxError_IsReportedWithItsLine()
    {
        var errors = Errors("[\n  {\"prompt\": \"p\", \"positive\": \"a\", \"negative\": \"b\"},\n  {\"prompt\": oops}\n]", DatasetFileFormat.Json);
        Assert.Single(errors);
        HasError(errors, 3, null, "invalid JSON");
        // A file cut off in the middle is a syntax error too, not a shorter dataset.
        HasError(Errors("[\n  {\"prompt\": \"p\", \"positive\": \"a\", \"negative\": \"b\"},\n  {\"prompt\": \"q\", \"pos", DatasetFileFormat.Json), 3, null, "invalid JSON");
        HasError(Errors("[\n  {\"prompt\": \"p\", \"positive\": \"a\", \"negative\": \"b\"},\n", DatasetFileFormat.Json), 3, null, "invalid JSON");
    }

    [Fact]
    public void Json_TopLevelMustBeAnArray_AndNothingMayFollowIt()
    {
        HasError(Errors("{\"prompt\": \"p\"}", DatasetFileFormat.Json), 1, null, "top level must be an array");
        HasError(Errors("[{\"prompt\": \"p\", \"positive\": \"a\", \"negative\": \"b\"}]\n[]", DatasetFileFormat.Json), 2, null, "invalid JSON");
        Assert.Contains("no pairs", Errors("[]", DatasetFileFormat.Json).Single().Reason);
    }

    [Fact]
    public void DeepNesting_IsRejected()
    {
        string deep = new string('[', 40) + new string(']', 40);
        string json = "[\n{\"prompt\": \"p\", \"positive\": \"a\", \"negative\": \"b\", \"extra\": " + deep + "}\n]";
        var error = Errors(json, DatasetFileFormat.Json).Single();
        Assert.Contains("depth", error.Reason);
        Assert.Equal(2, error.Line);
        Assert.Contains("depth", Errors("{\"prompt\": \"p\", \"positive\": \"a\", \"negative\": \"b\", \"x\": " + deep + "}", DatasetFileFormat.JsonLines).Single().Reason);
    }

    [Fact]
    public void SizeAndRowLimits_AreEnforced()
    {
        string json = "[" + string.Join(",\n", Enumerable.Range(0, 5).Select(i => $"{{\"prompt\": \"p{i}\", \"positive\": \"a\", \"negative\": \"b\"}}")) + "]";
        Assert.Contains("more than 4 rows", Errors(json, DatasetFileFormat.Json, new DatasetLimits { MaxRows = 4 }).Single().Reason);
        Assert.Equal(5, ReadText(json, DatasetFileFormat.Json, new DatasetLimits { MaxRows = 5 }).Pairs.Count);
        Assert.Contains("limit of 100 bytes", Errors(json, DatasetFileFormat.Json, new DatasetLimits { MaxBytes = 100 }).Single().Reason);
        string csv = "prompt,positive,negative\n" + string.Join("\n", Enumerable.Range(0, 5).Select(i => $"p{i},a,b"));
        Assert.Contains("more than 3 rows", Errors(csv, DatasetFileFormat.Csv, new DatasetLimits { MaxRows = 3 }).Single().Reason);
    }

    [Fact]
    public void InvalidUtf8_IsReportedWithItsLine()
    {
        byte[] bytes = [.. "[\n{\"prompt\": \""u8, 0xC3, 0x28, .. "\", \"positive\": \"a\", \"negative\": \"b\"}]"u8];
        var error = Assert.Throws<DatasetFormatException>(() =>
            ContrastiveDatasetReader.Read(new MemoryStream(bytes), "upload", DatasetFileFormat.Json, "t")).Errors.Single();
        Assert.Equal(2, error.Line);
        Assert.Contains("UTF-8", error.Reason);
    }

    [Fact]
    public void FormatException_MessageNamesTheSourceAndEveryProblem()
    {
        var exception = Assert.Throws<DatasetFormatException>(() => ReadText("[{\"prompt\": 1, \"positive\": \"a\", \"negative\": \"b\"}]", DatasetFileFormat.Json));
        Assert.StartsWith("upload: 1 problem:", exception.Message);
        Assert.Contains("line 1, item 0, field 'prompt': must be a string, found a number", exception.Message);
    }
}
