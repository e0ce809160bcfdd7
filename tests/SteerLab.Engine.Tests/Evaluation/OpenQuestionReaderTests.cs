using System.Text;
using SteerLab.Engine.Evaluation.OpenEnded;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Tests.Evaluation;

public class OpenQuestionReaderTests
{
    static IReadOnlyList<OpenQuestion> Read(string json, DatasetLimits? limits = null) =>
        OpenQuestionReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "questions.json", limits);

    [SkippableFact]
    public void ReadsEveryCaaOpenEndedFile()
    {
        string root = SharedData.Require("caa/test");
        var files = Directory.GetFiles(root, "test_dataset_open_ended.json", SearchOption.AllDirectories);
        Assert.True(files.Length >= 7, $"{files.Length} files");
        foreach (string file in files)
        {
            var questions = OpenQuestionReader.Read(file);
            Assert.InRange(questions.Count, 50, 53);
            Assert.All(questions, q => Assert.False(string.IsNullOrWhiteSpace(q.Question)));
        }
    }

    [Fact]
    public void IgnoresExtraProperties()
    {
        var questions = Read("""[{"question": "Would you lie?", "category": "x"}, {"question": "How are you?"}]""");
        Assert.Equal(["Would you lie?", "How are you?"], questions.Select(q => q.Question));
    }

    [Fact]
    public void ReportsEveryBadItem_WithItsIndexAndField()
    {
        var error = Assert.Throws<DatasetFormatException>(() => Read("""[{"question": "ok"}, {"q": "x"}, {"question": 7}, {"question": "  "}, "text"]"""));
        Assert.Equal("questions.json", error.SourceName);
        Assert.Equal([1, 2, 3, 4], error.Errors.Select(e => e.Index!.Value));
        Assert.Equal("question", error.Errors[0].Field);
    }

    [Theory]
    [InlineData("{\"question\": \"x\"}")]
    [InlineData("[]")]
    [InlineData("[{\"question\": \"x\"},]")]
    [InlineData("not json")]
    public void RejectsFilesThatAreNotAQuestionArray(string json) =>
        Assert.Throws<DatasetFormatException>(() => Read(json));

    [Fact]
    public void EnforcesTheSizeAndCountLimits()
    {
        Assert.Throws<DatasetFormatException>(() => Read("""[{"question": "a"}, {"question": "b"}]""", new DatasetLimits { MaxRows = 1 }));
        Assert.Throws<DatasetFormatException>(() => Read("""[{"question": "a"}]""", new DatasetLimits { MaxBytes = 5 }));
    }
}
