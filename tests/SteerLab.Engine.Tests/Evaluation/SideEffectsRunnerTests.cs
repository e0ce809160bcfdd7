using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Evaluation.SideEffects;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Evaluation;

public class SideEffectsRunnerTests(ITestOutputHelper output)
{
    static readonly HookPoint Layer2 = new(2, HookKind.ResidPost);

    static SteeringVector RandomVector(int dModel, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var values = randn(dModel, generator: generator);
        return new SteeringVector { Name = $"random {seed}", Method = SteeringMethod.Caa, Hook = Layer2, DModel = dModel, Dense = values.data<float>().ToArray() };
    }

    /// <summary>Each reference prompt as a question whose "correct" letter is the model's own most likely next token,
    /// and whose "incorrect" one is the runner-up: unsteered accuracy is 100%.</summary>
    static AbBenchmark OwnFavourites(TransformerModel model)
    {
        var questions = new List<AbQuestion>();
        foreach (var prompt in Stories260K.Prompts)
        {
            using var ids = tensor(prompt.PromptIds.Select(x => (long)x).ToArray(), [1, prompt.PromptIds.Length]);
            using var logits = model.Forward(new ForwardInput { InputIds = ids, LastLogitsOnly = true });
            var (_, top) = logits[0, 0].topk(2);
            questions.Add(new AbQuestion(prompt.PromptIds, (int)top[0].item<long>(), (int)top[1].item<long>()));
        }
        return new AbBenchmark("own favourites", questions);
    }

    [SkippableFact]
    public void Stories260K_LambdaZeroChangesNothing_AndAStrongVectorInflatesPerplexity()
    {
        using var model = Stories260K.Load();
        var heldOut = Stories260K.Prompts.Select(p => (IReadOnlyList<int>)[.. p.PromptIds, .. p.GreedyIds]).ToList();
        var benchmark = OwnFavourites(model);
        var vector = RandomVector(model.Config.DModel, seed: 3);
        var progress = new List<SideEffectsProgress>();
        var report = SideEffectsRunner.Run(model, heldOut, [benchmark], [SteeringGrid.Of(vector, [0, 1, 4])],
            progress: new Progress(progress.Add));

        Assert.Equal(3, progress[^1].Done);
        Assert.Equal(3, progress[^1].Total);
        var baseline = report.BaselineBenchmarks.Single();
        Assert.Equal(benchmark.Questions.Count, baseline.Questions);
        Assert.Equal(1, baseline.Accuracy);
        var points = report.Series.Single().Points;
        Assert.Equal([0.0, 1, 4], points.Select(p => p.Lambda));

        var zero = points[0];
        Assert.Equal(1.0, zero.Perplexity!.Inflation); // exactly: λ = 0 runs without hooks, as the baseline does
        Assert.Equal(report.BaselinePerplexity, zero.Perplexity.Perplexity);
        Assert.Equal(baseline.PerQuestion, zero.Benchmarks.Single().PerQuestion);
        Assert.Equal(1.0, zero.Perplexity.Low!.Value, 12);
        Assert.Equal(1.0, zero.Perplexity.High!.Value, 12);

        foreach (var point in points)
        {
            var p = point.Perplexity!;
            output.WriteLine($"λ={point.Lambda}: perplexity {p.Perplexity:F3} inflation {p.Inflation:F4} [{p.Low:F4}, {p.High:F4}] over {p.Sequences} sequences, {p.Tokens} tokens; " +
                $"accuracy {point.Benchmarks[0].Accuracy:F3} [{point.Benchmarks[0].Low:F3}, {point.Benchmarks[0].High:F3}], mean p(correct) {point.Benchmarks[0].MeanCorrectProbability:F3}");
            Assert.InRange(p.Inflation, p.Low!.Value * (1 - 1e-9), p.High!.Value * (1 + 1e-9));
            var accuracy = point.Benchmarks.Single();
            Assert.InRange(accuracy.Accuracy, accuracy.Low, accuracy.High);
        }
        Assert.True(points[2].Perplexity!.Inflation > 1.05, $"λ = 4 inflation {points[2].Perplexity!.Inflation}");
    }

    [Fact]
    public void Inflation_OfEqualPerplexities_IsOne_AndItsIntervalIsPaired()
    {
        // Two sequences of 4 tokens. Steered: sequence 0 loses 0.4 nats (0.1/token), sequence 1 loses 1.2 (0.3/token).
        // d = 0.1, 0.3; weights 4, 4: d̄ = 0.2, so inflation = e^0.2. Σw²(d − d̄)² = 16·0.01 + 16·0.01 = 0.32;
        // SE = √(2/1 · 0.32) / 8 = 0.8 / 8 = 0.1; interval e^(0.2 ± 0.196).
        var baseline = new PerplexityResult([new SequenceLikelihood(4, -8), new SequenceLikelihood(4, -10)]);
        var steered = new PerplexityResult([new SequenceLikelihood(4, -8.4), new SequenceLikelihood(4, -11.2)]);
        var inflation = PerplexityInflation.Between(baseline, steered);
        Assert.Equal(Math.Exp(0.2), inflation.Inflation, 12);
        Assert.Equal(Math.Exp(0.2 - 1.959963984540054 * 0.1), inflation.Low!.Value, 12);
        Assert.Equal(Math.Exp(0.2 + 1.959963984540054 * 0.1), inflation.High!.Value, 12);
        Assert.Equal(1, PerplexityInflation.Between(baseline, baseline).Inflation);
    }

    [Fact]
    public void Wilson_MatchesKnownValues()
    {
        // 8 of 10: centre (0.8 + 1.92/20)/(1 + 3.84/10), the textbook [0.490, 0.943].
        var (low, high) = WilsonInterval.Of(8, 10);
        Assert.Equal(0.4902, low, 4);
        Assert.Equal(0.9433, high, 4);
        var (zeroLow, zeroHigh) = WilsonInterval.Of(0, 5);
        Assert.Equal(0, zeroLow, 12);
        Assert.True(zeroHigh is > 0.4 and < 0.45, $"{zeroHigh}");
    }

    [Fact]
    public void CaaBenchmarkFiles_LoadAsQuestionsEvenlySpaced_ForTheDemoModel()
    {
        string truthful = SharedData.Require("caa/test/truthfulqa/truthful_qa.json");
        string mmlu = SharedData.Require("caa/test/mmlu/mmlu.json");
        string folder = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");
        using var loaded = LoadedModel.Open(Path.Combine(folder, DemoAssets.ModelFolderName));
        var tokenizer = loaded.RequireTokenizer();
        foreach (string path in new[] { truthful, mmlu })
        {
            var benchmark = AbBenchmark.Load(path, tokenizer, loaded.ChatTemplate, maxQuestions: 8);
            Assert.Equal(8, benchmark.Questions.Count);
            Assert.All(benchmark.Questions, q => Assert.NotEqual(q.MatchingTokenId, q.NotMatchingTokenId));
            var accuracy = BenchmarkAccuracy.Of(benchmark.Name, AnswerProbability.PerQuestion(loaded.Model, benchmark.Questions));
            output.WriteLine($"{benchmark.Name}: demo model accuracy {accuracy.Accuracy:F3} on {accuracy.Questions}, mean p(correct) {accuracy.MeanCorrectProbability:F3}");
        }
    }

    sealed class Progress(Action<SideEffectsProgress> report) : IProgress<SideEffectsProgress>
    {
        public void Report(SideEffectsProgress value) => report(value);
    }
}
