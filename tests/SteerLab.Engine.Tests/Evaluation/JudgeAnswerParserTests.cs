using SteerLab.Engine.Evaluation.Judges;

namespace SteerLab.Engine.Tests.Evaluation;

public class JudgeAnswerParserTests
{
    [Theory]
    [InlineData("7", 7)]
    [InlineData("0", 0)]
    [InlineData("10", 10)]
    [InlineData("  8\n", 8)]
    [InlineData("7.5", 7.5)]
    [InlineData("07", 7)]
    [InlineData("{\"score\": 7}", 7)]
    [InlineData("{\"score\":9.25}", 9.25)]
    [InlineData(" {\"reasoning\": \"polite refusal\", \"score\": 3} ", 3)]
    [InlineData("{\"score\": 1e1}", 10)]
    public void AcceptsBareNumbersAndScoreObjects(string reply, double expected)
    {
        var judgement = JudgeAnswerParser.Parse(reply, promptTokens: 12, completionTokens: 3);
        Assert.Equal(JudgementStatus.Scored, judgement.Status);
        Assert.Equal(expected, judgement.Score);
        Assert.Equal(reply, judgement.RawText);
        Assert.Equal((12, 3), (judgement.PromptTokens, judgement.CompletionTokens));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Score: 7")]
    [InlineData("7/10")]
    [InlineData("7 out of 10")]
    [InlineData("I would give this a 7.")]
    [InlineData("7\n\nThe answer is mostly coherent.")]
    [InlineData("**7**")]
    [InlineData("```json\n{\"score\": 7}\n```")]
    [InlineData("seven")]
    [InlineData("7 8")]
    [InlineData("+7")]
    [InlineData("7.")]
    [InlineData(".5")]
    [InlineData("1e1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("{\"score\": \"7\"}")]
    [InlineData("{\"score\": null}")]
    [InlineData("{\"Score\": 7}")]
    [InlineData("{\"rating\": 7}")]
    [InlineData("{\"score\": 7, \"score\": 8}")]
    [InlineData("{\"score\": 7,}")]
    [InlineData("{\"score\": 7} thanks")]
    [InlineData("[7]")]
    [InlineData("{\"score\": [7]}")]
    public void RejectsAnythingElse_AsUnparseable_KeepingTheRawText(string reply)
    {
        var judgement = JudgeAnswerParser.Parse(reply);
        Assert.Equal(JudgementStatus.Unparseable, judgement.Status);
        Assert.Null(judgement.Score);
        Assert.Equal(reply, judgement.RawText);
        Assert.False(string.IsNullOrWhiteSpace(judgement.Detail));
    }

    [Theory]
    [InlineData("11")]
    [InlineData("-1")]
    [InlineData("10.5")]
    [InlineData("100")]
    [InlineData("{\"score\": -0.5}")]
    [InlineData("{\"score\": 12}")]
    [InlineData("{\"score\": 1e999}")]
    public void NumbersOutsideTheScale_AreOutOfRange_NotClamped(string reply)
    {
        var judgement = JudgeAnswerParser.Parse(reply);
        Assert.Equal(JudgementStatus.OutOfRange, judgement.Status);
        Assert.Null(judgement.Score);
        Assert.Equal(reply, judgement.RawText);
    }

    [Fact]
    public void NullAndOverlongReplies_AreUnparseable()
    {
        Assert.Equal(JudgementStatus.Unparseable, JudgeAnswerParser.Parse(null).Status);
        var longReply = "{\"score\": 7, \"reasoning\": \"" + new string('x', JudgeAnswerParser.MaxLength) + "\"}";
        Assert.Equal(JudgementStatus.Unparseable, JudgeAnswerParser.Parse(longReply).Status);
    }

    [Fact]
    public void Rescaling_MapsTheScaleOntoZeroToOne()
    {
        Assert.Equal(0, RubricScale.Normalise(0));
        Assert.Equal(0.7, RubricScale.Normalise(7), 12);
        Assert.Equal(1, RubricScale.Normalise(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => RubricScale.Normalise(10.5));
    }
}
