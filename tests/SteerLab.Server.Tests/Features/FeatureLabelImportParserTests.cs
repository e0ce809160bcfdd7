using System.Text;
using SteerLab.Server.Features;

namespace SteerLab.Server.Tests.Features;

/// <summary>The explanations-export reader: Neuronpedia's own layout (index as a string, description) and the accepted
/// variants read; every malformed case is refused naming the item and field.</summary>
public sealed class FeatureLabelImportParserTests
{
    static FeatureLabelImportParser.Parsed Parse(string text, int? width = 100) => FeatureLabelImportParser.Parse(Encoding.UTF8.GetBytes(text), width);

    [Fact]
    public void NeuronpediaExport_Reads_FirstExplanationOfAFeatureWins()
    {
        var parsed = Parse("""
            [{"modelId": "gemma-2-2b", "layer": "20-gemmascope-res-16k", "index": "12", "description": " dates and times ", "explanationModelName": "gpt-4o-mini", "typeName": "oai_token-act-pair"},
             {"modelId": "gemma-2-2b", "layer": "20-gemmascope-res-16k", "index": "12", "description": "a second opinion"},
             {"feature": 3, "explanation": "the word 'the'"}]
            """);

        Assert.Empty(parsed.Problems);
        Assert.Equal([(12, "dates and times"), (3, "the word 'the'")], parsed.Labels);
        Assert.Equal((3, 1), (parsed.Items, parsed.Duplicates));
    }

    [Fact]
    public void JsonLines_Read_WithProblemsByLine()
    {
        var parsed = Parse("{\"index\": \"1\", \"description\": \"one\"}\n\n{\"index\": 2, \"description\": \"two\"}\n");
        Assert.Equal([(1, "one"), (2, "two")], parsed.Labels);

        var broken = Parse("{\"index\": \"1\", \"description\": \"one\"}\n{\"index\": 2,\n");
        Assert.Equal("line 2", Assert.Single(broken.Problems).Path);
    }

    [Theory]
    [InlineData("", "$", "empty")]
    [InlineData("\"labels\"", "$", "expected a JSON array")]
    [InlineData("[{\"index\": \"1\", \"description\": \"x\"}", "$", "not valid JSON")]
    [InlineData("[]", "$", "no explanations")]
    [InlineData("[42]", "$[0]", "expected an object")]
    [InlineData("[{\"description\": \"x\"}]", "$[0]", "has no \"index\"")]
    [InlineData("[{\"index\": \"1\"}]", "$[0]", "has no \"description\"")]
    [InlineData("[{\"index\": \"-1\", \"description\": \"x\"}]", "$[0].index", "whole number")]
    [InlineData("[{\"index\": 1.5, \"description\": \"x\"}]", "$[0].index", "whole number")]
    [InlineData("[{\"index\": \"twelve\", \"description\": \"x\"}]", "$[0].index", "whole number")]
    [InlineData("[{\"index\": true, \"description\": \"x\"}]", "$[0].index", "whole number")]
    [InlineData("[{\"index\": 99999999999, \"description\": \"x\"}]", "$[0].index", "too large")]
    [InlineData("[{\"index\": 100, \"description\": \"x\"}]", "$[0].index", "features 0 to 99")]
    [InlineData("[{\"feature\": 1, \"explanation\": 5}]", "$[0].explanation", "must be a string")]
    [InlineData("[{\"index\": 1, \"description\": \"   \"}]", "$[0].description", "empty")]
    [InlineData("[{\"index\": 1, \"description\": \"a\\u0000b\"}]", "$[0].description", "control characters")]
    public void MalformedExports_AreRefused_NamingWhereAndWhat(string text, string path, string message)
    {
        var parsed = Parse(text);

        Assert.Empty(parsed.Labels);
        var problem = Assert.Single(parsed.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void OverlongLabels_AndTooManyProblems_AreBounded()
    {
        var overlong = Parse($"[{{\"index\": 1, \"description\": \"{new string('x', 501)}\"}}]");
        Assert.Contains("at most 500", Assert.Single(overlong.Problems).Message);

        var many = Parse("[" + string.Join(",", Enumerable.Repeat("{}", 500)) + "]");
        Assert.Equal(FeatureLabelImportParser.MaxProblems + 1, many.Problems.Count);
        Assert.Contains("stopped after", many.Problems[^1].Message);
    }

    [Fact]
    public void OversizedFiles_AreRefusedUnread()
    {
        var parsed = FeatureLabelImportParser.Parse(new byte[FeatureLabelImportParser.MaxBytes + 1], null);
        Assert.Contains("at most", Assert.Single(parsed.Problems).Message);
    }
}
