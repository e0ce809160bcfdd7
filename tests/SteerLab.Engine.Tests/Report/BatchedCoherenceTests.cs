using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Evaluation.Report;
using SteerLab.Engine.Models;

namespace SteerLab.Engine.Tests.Report;

public class BatchedCoherenceTests
{
    [Fact]
    public void BatchedScores_EqualPerplexityCoherence_AnswerByAnswer_IncludingTheEmptyAnswer()
    {
        string demo = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");
        using var loaded = LoadedModel.Open(Path.Combine(demo, DemoAssets.ModelFolderName));
        var tokenizer = loaded.RequireTokenizer();
        (string, string)[] answers =
        [
            ("It was", " a long day, and he was tired when he came home to his wife."),
            ("The", " committee approved the budget."),
            ("She", " budget kissed the of legislature softly county ; the the the heart voted"),
            ("He said", ""),
            ("In the", " morning"),
        ];
        var one = new PerplexityCoherence(loaded.Model, tokenizer, 87);
        var batched = new BatchedCoherence(loaded.Model, tokenizer, 87, batchSize: 3).Score(answers);
        Assert.Equal(answers.Length, batched.Count);
        for (int i = 0; i < answers.Length; i++)
        {
            var expected = one.Score(answers[i].Item1, answers[i].Item2);
            Assert.Equal(expected.Status, batched[i].Status);
            if (expected.IsScored) Assert.Equal(expected.Score!.Value, batched[i].Score!.Value, 3);
        }
        Assert.Equal(JudgementStatus.Failed, batched[3].Status);
    }
}
