using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Models;

namespace SteerLab.Engine.Tests.Evaluation;

public class ClassifierJudgeTests
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");

    [Fact]
    public void BehaviourMapping_IsMonotone_CentredAtFive_AndBounded()
    {
        Assert.Equal(5, ClassifierJudge.BehaviourScore(0, 4), 12);
        // σ(4·0.5) = σ(2) = 0.880797: 8.808.
        Assert.Equal(10 / (1 + Math.Exp(-2)), ClassifierJudge.BehaviourScore(0.5, 4), 12);
        double previous = -1;
        for (double r = -3; r <= 3; r += 0.25)
        {
            double score = ClassifierJudge.BehaviourScore(r, 4);
            Assert.InRange(score, 0, 10);
            Assert.True(score > previous);
            previous = score;
        }
    }

    [Fact]
    public void CoherenceMapping_IsTenUpToTheReference_ThenFallsInverselyWithPerplexity()
    {
        Assert.Equal(10, PerplexityCoherence.FromPerplexity(40, 87));
        Assert.Equal(10, PerplexityCoherence.FromPerplexity(87, 87));
        Assert.Equal(5, PerplexityCoherence.FromPerplexity(174, 87), 12);
        Assert.Equal(1, PerplexityCoherence.FromPerplexity(870, 87), 12);
    }

    [Fact]
    public async Task RomanceText_ScoresAbovePressText_AndNoKnownWordIsAFailureNotAFive()
    {
        var judge = ClassifierJudge.ForDemo(DemoFolder, DemoContrast.RomanceVsPress);
        async Task<Judgement> Behaviour(string answer) =>
            await judge.ScoreAsync(new JudgeRequest(RubricItem.Behaviour, "It was", answer, "romance"), CancellationToken.None);
        var romance = await Behaviour("She looked into his eyes and her heart was full of love; he kissed her softly.");
        var press = await Behaviour("The committee approved the budget for the county and the state legislature voted on the bill.");
        Assert.Equal(JudgementStatus.Scored, romance.Status);
        Assert.Equal(JudgementStatus.Scored, press.Status);
        Assert.True(romance.Score > 5 && press.Score < 5, $"romance {romance.Score}, press {press.Score}");
        Assert.Contains("log-likelihood ratio", romance.RawText);

        var nothing = await Behaviour("zzzq xxyv");
        Assert.Equal(JudgementStatus.Failed, nothing.Status);
        Assert.Null(nothing.Score);

        var coherence = await judge.ScoreAsync(new JudgeRequest(RubricItem.Coherence, "It was", "a fine day.", "romance"), CancellationToken.None);
        Assert.Equal(JudgementStatus.NotAvailable, coherence.Status);
    }

    [Fact]
    public async Task WithTheDemoModel_CoherenceFavoursCorpusEnglishOverWordSalad()
    {
        using var loaded = LoadedModel.Open(Path.Combine(DemoFolder, DemoAssets.ModelFolderName));
        var judge = ClassifierJudge.ForDemo(DemoFolder, DemoContrast.RomanceVsPress, loaded.Model, loaded.RequireTokenizer());
        async Task<Judgement> Coherence(string answer) =>
            await judge.ScoreAsync(new JudgeRequest(RubricItem.Coherence, "It was", answer, "romance"), CancellationToken.None);
        var fluent = await Coherence(" a long day, and he was tired when he came home to his wife.");
        var salad = await Coherence(" budget kissed the of legislature softly county ; the the the heart voted");
        Assert.Equal(JudgementStatus.Scored, fluent.Status);
        Assert.Equal(JudgementStatus.Scored, salad.Status);
        Assert.True(fluent.Score > salad.Score, $"fluent {fluent.Score} ({fluent.RawText}) vs salad {salad.Score} ({salad.RawText})");
        Assert.Equal(JudgementStatus.Failed, (await Coherence("")).Status);
    }
}
