using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Evaluation;

public class MeasurementTests
{
    static readonly HookPoint Layer2 = new(2, HookKind.ResidPost);

    /// <summary>Each reference prompt as an A/B question whose "matching" letter is the model's most likely next
    /// token and whose other letter is the runner-up (so p ≥ 0.5 unsteered, and far from saturated); prompts
    /// differ in length. Each question comes twice, the second time with the letters swapped.</summary>
    static List<AbQuestion> Questions(TransformerModel model)
    {
        var questions = new List<AbQuestion>();
        foreach (var prompt in Stories260K.Prompts)
        {
            using var ids = tensor(prompt.PromptIds.Select(x => (long)x).ToArray(), [1, prompt.PromptIds.Length]);
            using var logits = model.Forward(new ForwardInput { InputIds = ids, LastLogitsOnly = true });
            var (_, top) = logits[0, 0].topk(2);
            int best = (int)top[0].item<long>(), second = (int)top[1].item<long>();
            questions.Add(new AbQuestion(prompt.PromptIds, best, second));
            questions.Add(new AbQuestion(prompt.PromptIds, second, best));
        }
        return questions;
    }

    static HookSet AddEverywhere(float value, PositionScope scope = PositionScope.All) =>
        new HookSet().Intervene(Layer2, (x, _) => x + value, scope);

    [SkippableFact]
    public void AnswerProbability_IsAProbability_AndTheTwoLettersSumToOne()
    {
        using var model = Stories260K.Load();
        var questions = Questions(model);
        var p = AnswerProbability.PerQuestion(model, questions);
        Assert.Equal(questions.Count, p.Length);
        Assert.All(p, value => Assert.InRange(value, 0, 1));
        for (int i = 0; i < p.Length; i += 2)
        {
            Assert.True(Math.Abs(p[i] + p[i + 1] - 1) <= 1e-12, $"question {i}: p(A) + p(B) = {p[i] + p[i + 1]}");
            Assert.True(p[i] >= 0.5, $"question {i}: the most likely token should beat the runner-up, p = {p[i]}");
        }
        Assert.Equal(p.Average(), AnswerProbability.Mean(model, questions), 12);
    }

    [SkippableFact]
    public void AnswerProbability_BatchedEqualsOneByOne()
    {
        using var model = Stories260K.Load();
        var questions = Questions(model);
        Assert.True(questions.Select(q => q.PromptIds.Count).Distinct().Count() > 1, "prompts of different lengths exercise the padding");
        var batched = AnswerProbability.PerQuestion(model, questions, batchSize: 16);
        var alone = AnswerProbability.PerQuestion(model, questions, batchSize: 1);
        for (int i = 0; i < questions.Count; i++)
            Assert.True(Math.Abs(batched[i] - alone[i]) <= 1e-5, $"question {i}: batched {batched[i]} vs alone {alone[i]}");

        // Cross-check one question against a plain forward of its prompt.
        var q = questions[0];
        using var ids = tensor(q.PromptIds.Select(x => (long)x).ToArray(), [1, q.PromptIds.Count]);
        using var logits = model.Forward(new ForwardInput { InputIds = ids });
        double lm = logits[0, -1, q.MatchingTokenId].item<float>(), lo = logits[0, -1, q.NotMatchingTokenId].item<float>();
        Assert.Equal(Math.Exp(lm) / (Math.Exp(lm) + Math.Exp(lo)), batched[0], 5);
    }

    [SkippableFact]
    public void AnswerProbability_SteeringOnlyGeneratedTokens_ChangesNothing_WhileAllPositionsDo()
    {
        using var model = Stories260K.Load();
        var questions = Questions(model);
        var plain = AnswerProbability.PerQuestion(model, questions);
        Assert.Equal(plain, AnswerProbability.PerQuestion(model, questions, AddEverywhere(5, PositionScope.Generated)));
        var steered = AnswerProbability.PerQuestion(model, questions, AddEverywhere(5, PositionScope.All));
        Assert.True(plain.Zip(steered).Max(pair => Math.Abs(pair.First - pair.Second)) > 1e-3);
    }

    [SkippableFact]
    public void LambdaSweep_ZeroIsTheUnsteeredModel_AndEachPointHasItsInterval()
    {
        using var model = Stories260K.Load();
        var questions = Questions(model);
        var plain = AnswerProbability.PerQuestion(model, questions);
        var generator = new TorchSharp.torch.Generator(3);
        var dense = new SteeringVector { Name = "random", Method = SteeringMethod.Caa, Hook = Layer2, DModel = 64, Dense = randn(64, generator: generator).data<float>().ToArray() };
        var reference = new SaeReference("test", "tiny", 256, null);
        using var sae = TinySae.Random(64, 256, SaeActivation.Relu, seed: 4);
        var sparse = new SteeringVector { Name = "sas", Method = SteeringMethod.Sas, Hook = Layer2, DModel = 64, Sae = reference,
            Sparse = new SparseValues([5, 17, 90, 200], [3f, -2f, 4f, 1f], 256) };

        foreach (var vector in new[] { dense, sparse })
        {
            var points = LambdaSweep.Run(model, questions, vector, [-4, 0, 4], _ => sae);
            Assert.Equal([-4.0, 0, 4], points.Select(p => p.Lambda));
            Assert.Equal(plain, points[1].PerQuestion);
            Assert.Equal(plain.Average(), points[1].MeanProbability, 12);
            foreach (var point in points)
            {
                Assert.Equal(questions.Count, point.Count);
                Assert.InRange(point.MeanProbability, point.IntervalLow, point.IntervalHigh);
                Assert.InRange(point.IntervalLow, 0, 1);
                Assert.InRange(point.IntervalHigh, 0, 1);
            }
            Assert.True(points[0].PerQuestion.Zip(plain).Max(pair => Math.Abs(pair.First - pair.Second)) > 1e-4, $"{vector.Name}: λ = −4 changed nothing");
        }
    }

    [Fact]
    public void SweepInterval_IsTheNormalApproximationOfTheMean()
    {
        // values 0.2, 0.4, 0.6, 0.8: mean 0.5, s² = (0.09 + 0.01 + 0.01 + 0.09)/3 = 0.2/3, se = sqrt(0.2/12)
        var (mean, low, high) = LambdaSweep.MeanWithInterval([0.2, 0.4, 0.6, 0.8]);
        double half = 1.959963984540054 * Math.Sqrt(0.2 / 12);
        Assert.Equal(0.5, mean, 12);
        Assert.Equal(0.5 - half, low, 12);
        Assert.Equal(0.5 + half, high, 12);
        Assert.Equal((0.9, 0.0, 1.0), LambdaSweep.MeanWithInterval([0.9]));
        Assert.Equal(1.0, LambdaSweep.MeanWithInterval([1.0, 1.0, 0.98]).High);
    }

    /// <summary>Log-likelihood of tokens[1..] by hand from one unpadded forward, in float64.</summary>
    static (double Sum, int Count) HandLogLikelihood(TransformerModel model, IReadOnlyList<int> tokens, int context = 1)
    {
        using var scope = NewDisposeScope();
        var ids = tensor(tokens.Select(x => (long)x).ToArray(), [1, tokens.Count]);
        var logProbabilities = model.Forward(new ForwardInput { InputIds = ids }).to(ScalarType.Float64).log_softmax(-1);
        double sum = 0;
        for (int t = context; t < tokens.Count; t++) sum += logProbabilities[0, t - 1, tokens[t]].item<double>();
        return (sum, tokens.Count - context);
    }

    [SkippableFact]
    public void Perplexity_IsExpOfTheMeanNllOfOneFullForward_TokenWeightedOverTheBatch()
    {
        using var model = Stories260K.Load();
        var sequences = Stories260K.Prompts.Select(p => (IReadOnlyList<int>)p.GreedyIds).ToList();
        var result = Perplexity.Measure(model, sequences, batchSize: 3);
        double total = 0;
        long count = 0;
        for (int i = 0; i < sequences.Count; i++)
        {
            var (sum, n) = HandLogLikelihood(model, sequences[i]);
            Assert.Equal(n, result.Sequences[i].ScoredTokens);
            Assert.True(Math.Abs(sum - result.Sequences[i].LogLikelihood) <= 1e-3, $"sequence {i}: {result.Sequences[i].LogLikelihood} vs hand {sum}");
            Assert.Equal(sum / n, result.Sequences[i].MeanLogLikelihood, 4);
            total += sum;
            count += n;
        }
        Assert.Equal(count, result.TokenCount);
        Assert.True(Math.Abs(Math.Exp(-total / count) / result.Value - 1) <= 1e-5, $"perplexity {result.Value} vs hand {Math.Exp(-total / count)}");
        // Greedy continuations of a trained model are predictable text.
        Assert.InRange(result.Value, 1, 20);
    }

    [SkippableFact]
    public void Perplexity_ScoresOnlyTokensAfterTheContext()
    {
        using var model = Stories260K.Load();
        var sequence = Stories260K.Prompts[0].GreedyIds;
        var result = Perplexity.Measure(model, [sequence], contextLengths: [5]);
        var (sum, n) = HandLogLikelihood(model, sequence, context: 5);
        Assert.Equal(n, result.Sequences[0].ScoredTokens);
        Assert.Equal(sum, result.Sequences[0].LogLikelihood, 3);
        Assert.Throws<ArgumentException>(() => Perplexity.Measure(model, [sequence], contextLengths: [sequence.Length]));
        Assert.Throws<ArgumentException>(() => Perplexity.Measure(model, [new[] { 1 }]));
    }

    /// <summary>A stand-in tokenizer: the text is space-separated token ids; BOS 1 goes first.</summary>
    sealed class IdListTokenizer : ITextTokenizer
    {
        public int? BosId => 1;
        public int? EosId => 2;
        public IReadOnlyList<int> StopIds => [];
        public IReadOnlyList<int> Encode(string text, bool addBos) =>
            (addBos ? [1] : Array.Empty<int>()).Concat(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)).ToArray();
        public string Decode(IReadOnlyList<int> ids) => string.Join(' ', ids);
    }

    [SkippableFact]
    public void PerplexityOfTexts_ScoresTheEncodedTokensAfterBos()
    {
        using var model = Stories260K.Load();
        var sequences = Stories260K.Prompts.Select(p => p.GreedyIds).ToList();
        Assert.All(sequences, s => Assert.Equal(1, s[0]));
        var texts = sequences.Select(s => string.Join(' ', s.Skip(1))).ToList();
        var fromTexts = Perplexity.MeasureTexts(model, new IdListTokenizer(), texts);
        var fromIds = Perplexity.Measure(model, sequences.Select(s => (IReadOnlyList<int>)s).ToList());
        Assert.Equal(fromIds.Value, fromTexts.Value, 10);
        Assert.Equal(fromIds.TokenCount, fromTexts.TokenCount);
        Assert.Throws<ArgumentException>(() => Perplexity.MeasureTexts(model, new IdListTokenizer(), [""]));
    }

    [SkippableFact]
    public void Perplexity_RisesWhenAHookAddsAHugeVector()
    {
        using var model = Stories260K.Load();
        var sequences = Stories260K.Prompts.Select(p => (IReadOnlyList<int>)p.GreedyIds).ToList();
        double plain = Perplexity.Measure(model, sequences).Value;
        double steered = Perplexity.Measure(model, sequences, AddEverywhere(100)).Value;
        Assert.True(steered > 2 * plain, $"perplexity {plain} unsteered, {steered} with +100 at every position");
    }

    [SkippableFact]
    public void Perplexity_GeneratedScopeLeavesTheFirstScoredTokenUnsteered_LikeGeneration()
    {
        // With context n−1 only the last token is scored; it is predicted from the last context position,
        // which generation would not steer either.
        using var model = Stories260K.Load();
        var sequence = Stories260K.Prompts[1].GreedyIds;
        var lastOnly = new[] { sequence.Length - 1 };
        double plain = Perplexity.Measure(model, [sequence], contextLengths: lastOnly).Sequences[0].LogLikelihood;
        Assert.Equal(plain, Perplexity.Measure(model, [sequence], AddEverywhere(100, PositionScope.Generated), lastOnly).Sequences[0].LogLikelihood);
        Assert.NotEqual(plain, Perplexity.Measure(model, [sequence], AddEverywhere(100, PositionScope.All), lastOnly).Sequences[0].LogLikelihood);
    }
}
