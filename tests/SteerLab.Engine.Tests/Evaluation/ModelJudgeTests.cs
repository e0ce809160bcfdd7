using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Evaluation;

public class ModelJudgeTests(ITestOutputHelper output)
{
    static readonly JudgeRequest Request = new(RubricItem.Behaviour, "Do you like the park?", "Lily went to the park. She was very happy.",
        "The answer is cheerful.");

    [SkippableFact]
    public async Task Stories260K_GivesAScoreInRange_OrSaysWhyNot()
    {
        using var loaded = LoadedModel.Open(Stories260K.Directory);
        var judge = new ModelJudge(loaded.Model, loaded.RequireTokenizer(), loaded.ChatTemplate);
        foreach (var item in new[] { RubricItem.Behaviour, RubricItem.Coherence })
        {
            var judgement = await judge.ScoreAsync(Request with { Item = item }, CancellationToken.None);
            output.WriteLine($"{item}: {judgement.Status} {judgement.Score} {judgement.Detail} {judgement.RawText}");
            Assert.True(judgement.PromptTokens > 0);
            if (judgement.Status == JudgementStatus.Scored) Assert.InRange(judgement.Score!.Value, 0, 10);
            else
            {
                Assert.Contains(judgement.Status, new[] { JudgementStatus.Unparseable, JudgementStatus.Failed });
                Assert.Null(judgement.Score);
                Assert.False(string.IsNullOrWhiteSpace(judgement.Detail));
            }
        }
    }

    [SkippableFact]
    public async Task WithNoMassThreshold_Stories260KIsScored_FromItsDigitProbabilities()
    {
        using var loaded = LoadedModel.Open(Stories260K.Directory);
        var tokenizer = loaded.RequireTokenizer();
        var expected = new ModelJudge(loaded.Model, tokenizer, loaded.ChatTemplate, new ModelJudgeOptions { MinimumScoreMass = 0 });
        var judgement = await expected.ScoreAsync(Request, CancellationToken.None);
        Assert.Equal(JudgementStatus.Scored, judgement.Status);
        Assert.InRange(judgement.Score!.Value, 0, 10);

        var mostLikely = new ModelJudge(loaded.Model, tokenizer, loaded.ChatTemplate, new ModelJudgeOptions { MinimumScoreMass = 0, Scoring = ModelJudgeScoring.MostLikely });
        var argmax = await mostLikely.ScoreAsync(Request, CancellationToken.None);
        Assert.Equal(Math.Round(argmax.Score!.Value), argmax.Score!.Value);
        output.WriteLine($"expected {judgement.Score}, most likely {argmax.Score}; {judgement.RawText}");
    }

    [SkippableFact]
    public void ScoreDistribution_IsTheChainRuleProbabilityOfEachScoresTokens()
    {
        using var loaded = LoadedModel.Open(Stories260K.Directory);
        var tokenizer = loaded.RequireTokenizer();
        string prompt = ChatTemplate.Plain.Apply(RubricPrompt.Messages(Request), addGenerationPrompt: true);
        var distribution = ScoreDistribution.Read(loaded.Model, tokenizer, prompt, addBos: true, separator: " ", padId: 0);
        output.WriteLine(distribution.Describe());
        Assert.Equal(11, distribution.Probability.Count + distribution.Unavailable.Count);
        Assert.InRange(distribution.Mass, 0, 1 + 1e-9);

        // Independently: one plain forward per prefix, p(tokens) = Π softmax(next-token logits)[token].
        var promptIds = tokenizer.Encode(prompt, addBos: true);
        var rests = distribution.Probability.Keys.ToDictionary(s => s, s => tokenizer.Encode(prompt + " " + s, addBos: true).Skip(promptIds.Count).ToArray());
        double NextProbability(IReadOnlyList<int> context, int token)
        {
            using var ids = tensor(context.Select(i => (long)i).ToArray(), [1, context.Count]);
            using var logits = loaded.Model.Forward(new ForwardInput { InputIds = ids, LastLogitsOnly = true });
            using var p = logits[0, 0].softmax(-1).to(ScalarType.Float64);
            return p.data<double>()[token];
        }
        var chain = rests.ToDictionary(r => r.Key, r => r.Value.Select((token, k) => NextProbability([.. promptIds, .. r.Value.Take(k)], token)).Aggregate(1.0, (a, b) => a * b));
        output.WriteLine(string.Join("; ", rests.Select(r => $"{r.Key}: [{string.Join(",", r.Value)}]")));
        foreach (var (score, rest) in rests)
        {
            // A score whose tokens start another's (1 before 1,0) gives that score's replies back.
            double expected = chain[score] - rests.Where(o => o.Key != score && o.Value.Length > rest.Length && o.Value.Take(rest.Length).SequenceEqual(rest))
                .Sum(o => chain[o.Key]);
            Assert.True(Math.Abs(Math.Max(0, expected) - distribution.Probability[score]) <= 1e-4 * chain[score] + 1e-9, // float32 logits
                $"p({score}): {distribution.Probability[score]} vs {expected}");
        }
    }

    [SkippableFact]
    public async Task ScoreTokensTheTokenizerCannotWrite_AreNotAScore()
    {
        using var loaded = LoadedModel.Open(Stories260K.Directory);
        var judge = new ModelJudge(loaded.Model, new NoDigits(loaded.RequireTokenizer()), loaded.ChatTemplate, new ModelJudgeOptions { MinimumScoreMass = 0 });
        var judgement = await judge.ScoreAsync(Request, CancellationToken.None);
        Assert.Equal(JudgementStatus.Failed, judgement.Status);
        Assert.Null(judgement.Score);
        Assert.Contains("cannot write any score", judgement.Detail);
    }

    [Fact]
    public async Task DemoModel_AsJudge_ReadsItsScoreDistribution()
    {
        string folder = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");
        using var loaded = LoadedModel.Open(Path.Combine(folder, DemoAssets.ModelFolderName));
        var judge = new ModelJudge(loaded.Model, loaded.RequireTokenizer(), loaded.ChatTemplate);
        var judgement = await judge.ScoreAsync(Request, CancellationToken.None);
        output.WriteLine($"{judgement.Status} {judgement.Score} {judgement.Detail} {judgement.RawText}");
        Assert.NotEqual(JudgementStatus.Failed, judgement.Status);
        Assert.StartsWith("{\"mass\":", judgement.RawText);
    }

    /// <summary>A tokenizer whose digit tokens decode to nothing, like ids missing from a vocabulary.</summary>
    sealed class NoDigits(ITextTokenizer inner) : ITextTokenizer
    {
        public int? BosId => inner.BosId;
        public int? EosId => inner.EosId;
        public IReadOnlyList<int> StopIds => inner.StopIds;
        public IReadOnlyList<int> Encode(string text, bool addBos) => inner.Encode(text, addBos);
        public string Decode(IReadOnlyList<int> ids) => new(inner.Decode(ids).Where(c => !char.IsAsciiDigit(c)).ToArray());
    }
}
