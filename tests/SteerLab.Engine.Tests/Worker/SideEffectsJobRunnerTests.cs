using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;
using Xunit.Abstractions;

namespace SteerLab.Engine.Tests.Worker;

/// <summary>"side-effects" jobs through <see cref="EngineJobExecutor"/> on the built-in demo: held-out windows from the demo
/// dataset's sentences, a tiny A/B benchmark written here, the demo's dense (CAA) and sparse (SAS) vectors.</summary>
public sealed class SideEffectsJobRunnerTests(ITestOutputHelper output)
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");

    /// <summary>CAA's MMLU/TruthfulQA A/B schema: prompt, correct, incorrect.</summary>
    const string Benchmark = """
        [
          {"prompt": "Which is a colour?\n(A) red\n(B) seven", "correct": "(A)", "incorrect": "(B)"},
          {"prompt": "Which is a number?\n(A) blue\n(B) seven", "correct": "(B)", "incorrect": "(A)"},
          {"prompt": "Which is an animal?\n(A) horse\n(B) table", "correct": "(A)", "incorrect": "(B)"},
          {"prompt": "Which is a city?\n(A) river\n(B) Boston", "correct": "(B)", "incorrect": "(A)"},
          {"prompt": "Which is a day?\n(A) Monday\n(B) spoon", "correct": "(A)", "incorrect": "(B)"}
        ]
        """;

    static string VectorDocument(SteeringMethod method) =>
        File.ReadAllText(Path.Combine(DemoFolder, DemoAssets.VectorFolderName, DemoAssets.VectorFileName(DemoContrast.RomanceVsPress, method)));

    /// <summary>The demo dataset's sentences (both sides), as a held-out corpus.</summary>
    static string[] HeldOutTexts()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(DemoFolder, DemoAssets.DatasetFolderName, DemoContrast.RomanceVsPress.DatasetFileName)));
        return document.RootElement.EnumerateArray().Take(40)
            .SelectMany(pair => new[] { pair.GetProperty("positive").GetString()!, pair.GetProperty("negative").GetString()! }).ToArray();
    }

    static EngineJobResult Execute(SideEffectsJobParameters parameters, List<EngineJobProgress>? progress = null)
    {
        using var models = new LoadedModels();
        var executor = new EngineJobExecutor(new ModelRoots([DemoFolder]), models);
        var request = new EngineJobRequest(Guid.NewGuid(), EngineJobKinds.SideEffects, parameters.Model, JsonSerializer.Serialize(parameters, EngineJobJson.Options), 1);
        return executor.Execute(request, p => progress?.Add(p), CancellationToken.None);
    }

    [Fact]
    public void DenseAndSparseVectors_AtLambdaZero_InflateNothing_AndKeepTheBaselineAccuracy()
    {
        Guid caaId = Guid.NewGuid(), sasId = Guid.NewGuid();
        var parameters = new SideEffectsJobParameters(DemoAssets.ModelName,
            [
                new SweepVectorParameters(VectorDocument(SteeringMethod.Caa), [0, 4], VectorId: caaId),
                new SweepVectorParameters(VectorDocument(SteeringMethod.Sas), [0, 8], Sae: DemoAssets.SaeFolderName, VectorId: sasId),
            ],
            "romance-vs-press sentences", HeldOutTexts(), [new SideEffectsBenchmarkParameters("tiny-ab", Benchmark, MaxQuestions: 4)],
            WindowTokens: 16, MaxWindows: 8);
        var progress = new List<EngineJobProgress>();

        var run = Execute(parameters, progress);

        Assert.True(run.Status == EngineJobStatus.Succeeded, $"{run.Status}: {run.Error}");
        var result = JsonSerializer.Deserialize<SideEffectsJobResult>(run.ResultJson!, EngineJobJson.Options)!;
        Assert.Equal((DemoAssets.ModelName, "romance-vs-press sentences", 8, 16), (result.Model, result.HeldOutName, result.HeldOutWindows, result.WindowTokens));
        Assert.True(result.BaselinePerplexity > 1, $"baseline perplexity {result.BaselinePerplexity}");
        var baseline = Assert.Single(result.BaselineBenchmarks);
        Assert.Equal(("tiny-ab", 4), (baseline.Benchmark, baseline.Questions)); // MaxQuestions: 4 of the 5
        Assert.Equal([caaId, sasId], result.Series.Select(s => s.VectorId));
        Assert.Equal([("caa", false), ("sas", true)], result.Series.Select(s => (s.Method, s.IsSparse)));

        foreach (var series in result.Series)
        {
            Assert.Equal(2, series.Points.Length);
            var atZero = series.Points[0];
            Assert.Equal(0, atZero.Lambda);
            Assert.Equal(1.0, atZero.Perplexity!.Inflation); // exactly: λ = 0 runs without hooks, like the baseline
            Assert.Equal(result.BaselinePerplexity, atZero.Perplexity.BaselinePerplexity);
            Assert.Equal((8, 8L * 15), (atZero.Perplexity.Sequences, atZero.Perplexity.Tokens));
            Assert.Equal(baseline, Assert.Single(atZero.Benchmarks));
            var steered = series.Points[1];
            Assert.NotEqual(1.0, steered.Perplexity!.Inflation);
            Assert.InRange(steered.Perplexity.Inflation, steered.Perplexity.Low!.Value, steered.Perplexity.High!.Value);
            Assert.InRange(Assert.Single(steered.Benchmarks).Accuracy, 0, 1);
            output.WriteLine($"{series.Name}: λ={steered.Lambda} inflation {steered.Perplexity.Inflation:F4} [{steered.Perplexity.Low:F4}, {steered.Perplexity.High:F4}], " +
                $"accuracy {steered.Benchmarks[0].Accuracy:F2} (baseline {baseline.Accuracy:F2}, p {steered.Benchmarks[0].MeanCorrectProbability:F3} vs {baseline.MeanCorrectProbability:F3})");
        }
        Assert.Equal(1.0, progress[^1].Fraction, 12);
        Assert.Contains(progress, p => p.Message == "romance-vs-press SAS: λ = 8 (4/4)");
    }

    [Fact]
    public void TextsShorterThanAWindow_AreMeasuredAsOneRunningText_AndTooLittleTextFails()
    {
        string[] shortTexts = [.. Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? "She smiled at him." : "The council met today.")];
        SideEffectsJobParameters Parameters(string[] texts) => new(DemoAssets.ModelName, [new SweepVectorParameters(VectorDocument(SteeringMethod.Caa), [2])],
            "short lines", texts, [], WindowTokens: 16, MaxWindows: 3);

        var run = Execute(Parameters(shortTexts));

        Assert.True(run.Status == EngineJobStatus.Succeeded, $"{run.Status}: {run.Error}");
        var result = JsonSerializer.Deserialize<SideEffectsJobResult>(run.ResultJson!, EngineJobJson.Options)!;
        Assert.Equal(3, result.HeldOutWindows); // each line alone is a few tokens: no window would fit in one
        Assert.Empty(result.BaselineBenchmarks);
        Assert.Empty(Assert.Single(Assert.Single(result.Series).Points).Benchmarks);

        var tooShort = Execute(Parameters(["She smiled."]));
        Assert.Equal(EngineJobStatus.Failed, tooShort.Status);
        Assert.Equal("held-out text 'short lines': too short for one window of 16 tokens", tooShort.Error);
    }

    [Fact]
    public void BadBenchmarkPairs_FailTheJobNamingTheBenchmarkAndRow()
    {
        var parameters = new SideEffectsJobParameters(DemoAssets.ModelName, [new SweepVectorParameters(VectorDocument(SteeringMethod.Caa), [1])],
            "none", [], [new SideEffectsBenchmarkParameters("broken", """[{"prompt": "Which?", "correct": "(A)"}]""")]);

        var run = Execute(parameters);

        Assert.Equal(EngineJobStatus.Failed, run.Status);
        Assert.Contains("benchmarks[0] 'broken'", run.Error);
        Assert.Contains("item 0", run.Error);
    }

    [Fact]
    public void NeitherHeldOutTextNorBenchmarks_FailsBeforeLoadingTheModel()
    {
        var run = Execute(new SideEffectsJobParameters(DemoAssets.ModelName, [new SweepVectorParameters(VectorDocument(SteeringMethod.Caa), [1])], "none", [], []));

        Assert.Equal(EngineJobStatus.Failed, run.Status);
        Assert.Equal("give held-out texts, benchmarks or both", run.Error);
    }
}
