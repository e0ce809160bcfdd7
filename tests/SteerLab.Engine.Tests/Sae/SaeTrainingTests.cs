using System.Text.Json;
using SteerLab.Engine.Cli;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Sae.Training;
using SteerLab.Engine.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Sae;

public class SaeTrainingTests(ITestOutputHelper output)
{
    static readonly HookPoint MiddleLayer = HookPoint.Parse("blocks.2.hook_resid_post");

    /// <summary>The issue's bar: a k = 16, width-512 TopK SAE on stories260K's own generations at a middle layer
    /// explains more than 80 % of the held-out variance (FVU &lt; 0.2; keeping the top 16 principal components of
    /// these activations leaves FVU ≈ 0.41, so this needs a working sparse code, not just a low-rank fit).</summary>
    [SkippableFact]
    public void TopKSae_OnStories260KOwnGenerations_ReconstructsHeldOutActivations()
    {
        using var model = Stories260K.Load();
        var sequences = SelfGeneratedSequences.Sample(model, count: 256, newTokens: 128, seed: 1, batchSize: 128);
        var options = new SaeTrainingOptions
        {
            Hook = MiddleLayer, Kind = SaeTrainingKind.TopK, K = 16, Width = 512,
            Steps = 600, BatchTokens = 2048, Seed = 1, ProgressEvery = 200,
        };
        using var result = SaeTrainingRun.Execute(model, "stories260K", sequences, "self-generated", options,
            progress: p => output.WriteLine($"step {p.Step}: loss {p.Loss:F4} L0 {p.L0:F2} batch FVU {p.BatchFvu:F4} dead {p.DeadFraction:P1}"));
        var report = result.Report;
        output.WriteLine(report.ToJson());

        Assert.True(report.Fvu < 0.2, $"held-out FVU {report.Fvu:F4} should be below 0.2");
        Assert.Equal(16.0, report.L0, 6);
        Assert.InRange(report.DeadFraction, 0, 1);
        Assert.True(double.IsFinite(report.LossDelta), $"loss delta {report.LossDelta}");
        Assert.True(report.LossDelta < report.ZeroAblationDelta,
            $"splicing the SAE in (Δ {report.LossDelta:F4}) should hurt less than zeroing the activation (Δ {report.ZeroAblationDelta:F4})");
        Assert.Equal((int)Math.Round(0.1 * sequences.Count), report.ValidationSequences);
        AssertUnitNormDecoderRows(result.Sae);
        AssertSavedFolderLoadsBack(result);
    }

    void AssertSavedFolderLoadsBack(SaeTrainingResult result)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"steerlab-sae-{Guid.NewGuid():N}");
        try
        {
            result.Save(folder);
            using var loaded = SaeLensFormat.Load(folder);
            Assert.Equal(SaeActivation.TopK, loaded.Config.Activation);
            Assert.Equal(16, loaded.Config.K);
            Assert.Equal(MiddleLayer, loaded.Config.Hook);
            using var x = randn(8, result.Sae.DIn) * 3;
            using var expected = result.Sae.Reconstruct(x);
            using var actual = loaded.Reconstruct(x);
            Assert.True(TensorAssert.MaxAbsDiff(expected, actual) < 1e-5, "the saved SAE reconstructs like the trained one");

            var metadata = SaeLensFormat.ReadSteerLabMetadata(folder);
            Assert.Equal(result.Report.Fvu, metadata["training"].GetProperty("fvu").GetDouble(), 12);
            using var reportFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, SaeTrainingResult.ReportFileName)));
            Assert.Equal("blocks.2.hook_resid_post", reportFile.RootElement.GetProperty("hook").GetString());
            Assert.Equal(result.Report.L0, reportFile.RootElement.GetProperty("l0").GetDouble(), 12);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TopK_OnSparseCombinationsOfKnownDirections_RecoversEveryDirection()
    {
        var (train, validation, dictionary) = SparseSynthetic.Make(trainTokens: 20_000, validationTokens: 4_000);
        using var _ = dictionary;
        var options = SparseSynthetic.Options(SaeTrainingKind.TopK) with { K = 3 };
        using var trained = SaeTrainer.Train(train, options, SparseSynthetic.Config(options)).Sae;
        var metrics = SaeEvaluator.Reconstruction(trained, validation);
        output.WriteLine(metrics.ToString());

        // Each of the 48 true directions has a decoder row pointing the same way (cosine > 0.95).
        using var bestCosine = trained.WDec.matmul(dictionary.t()).max(0).values; // [48]
        Assert.Equal(48, bestCosine.gt(0.95).sum().item<long>());
        // Tokens combine 3 directions on average, so k = 3 must leave some variance unexplained, but little.
        Assert.True(metrics.Fvu < 0.25, $"FVU {metrics.Fvu:F4}");
        Assert.InRange(metrics.L0, 2.5, 3.0);
        AssertUnitNormDecoderRows(trained);
        train.Dispose(); validation.Dispose();
    }

    [Fact]
    public void ReluL1_LargerCoefficient_GivesFewerActiveFeatures_AndASmallOneReconstructsWell()
    {
        var (train, validation, dictionary) = SparseSynthetic.Make(trainTokens: 20_000, validationTokens: 4_000);
        dictionary.Dispose();
        var results = new List<ReconstructionMetrics>();
        foreach (double coefficient in new[] { 0.1, 0.3, 1.0 })
        {
            var options = SparseSynthetic.Options(SaeTrainingKind.ReluL1) with { L1Coefficient = coefficient };
            using var trained = SaeTrainer.Train(train, options, SparseSynthetic.Config(options)).Sae;
            AssertUnitNormDecoderRows(trained);
            var metrics = SaeEvaluator.Reconstruction(trained, validation);
            output.WriteLine($"C = {coefficient}: {metrics}");
            results.Add(metrics);
        }
        Assert.True(results[0].L0 > results[1].L0 && results[1].L0 > results[2].L0,
            $"L0 should fall as the L1 coefficient rises: {string.Join(", ", results.Select(r => r.L0.ToString("F2")))}");
        Assert.True(results[0].Fvu < 0.1, $"with a small coefficient the SAE reconstructs well: FVU {results[0].Fvu:F4}");
        train.Dispose(); validation.Dispose();
    }

    [Fact]
    public void Training_IsReproducibleForASeed()
    {
        var (train, validation, dictionary) = SparseSynthetic.Make(trainTokens: 4_000, validationTokens: 500);
        dictionary.Dispose(); validation.Dispose();
        var options = SparseSynthetic.Options(SaeTrainingKind.TopK) with { K = 3, Steps = 30 };
        using var first = SaeTrainer.Train(train, options, SparseSynthetic.Config(options)).Sae;
        using var second = SaeTrainer.Train(train, options, SparseSynthetic.Config(options)).Sae;
        using var other = SaeTrainer.Train(train, options with { Seed = 99 }, SparseSynthetic.Config(options)).Sae;
        Assert.Equal(0, TensorAssert.MaxAbsDiff(first.WDec, second.WDec));
        Assert.True(TensorAssert.MaxAbsDiff(first.WDec, other.WDec) > 1e-3, "another seed gives another SAE");
        train.Dispose();
    }

    [Fact]
    public void Training_StopsWhenCancelled()
    {
        var (train, validation, dictionary) = SparseSynthetic.Make(trainTokens: 4_000, validationTokens: 500);
        dictionary.Dispose(); validation.Dispose();
        using var cancellation = new CancellationTokenSource();
        var options = SparseSynthetic.Options(SaeTrainingKind.TopK) with { K = 3, Steps = 100_000, ProgressEvery = 1 };
        int lastStep = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => SaeTrainer.Train(train, options, SparseSynthetic.Config(options), progress: p =>
        {
            lastStep = p.Step;
            if (p.Step == 5) cancellation.Cancel();
        }, cancellation: cancellation.Token));
        Assert.Equal(5, lastStep);
        train.Dispose();
    }

    [Fact]
    public void LearningRate_WarmsUpLinearly_StaysConstant_ThenDecaysToZero()
    {
        var options = SparseSynthetic.Options(SaeTrainingKind.TopK) with { K = 3, Steps = 100, LearningRate = 1.0, WarmupFraction = 0.1, DecayFraction = 0.2 };
        Assert.Equal(0.1, SaeTrainer.LearningRateAt(0, options), 12);
        Assert.Equal(1.0, SaeTrainer.LearningRateAt(9, options), 12);
        Assert.Equal(1.0, SaeTrainer.LearningRateAt(79, options), 12);
        Assert.Equal(1.0, SaeTrainer.LearningRateAt(80, options), 12);
        Assert.Equal(0.05, SaeTrainer.LearningRateAt(99, options), 12);
    }

    [Fact]
    public void Options_RejectKOutsideTheWidth_AndABufferSmallerThanOneBatch()
    {
        var options = SparseSynthetic.Options(SaeTrainingKind.TopK) with { K = 97 };
        Assert.Contains("k must be in [1, width = 96]", Assert.Throws<ArgumentException>(() => options.Validate(32)).Message);
        var tiny = SparseSynthetic.Options(SaeTrainingKind.TopK) with { K = 3, MaxBufferBytes = 1000 };
        Assert.Contains("cannot hold one batch", Assert.Throws<ArgumentException>(() => tiny.Validate(32)).Message);
    }

    [SkippableFact]
    public void SelfGeneratedSequences_StartWithBos_DifferFromEachOther_AndRepeatForASeed()
    {
        using var model = Stories260K.Load();
        var first = SelfGeneratedSequences.Sample(model, count: 6, newTokens: 24, seed: 7, batchSize: 4);
        var again = SelfGeneratedSequences.Sample(model, count: 6, newTokens: 24, seed: 7, batchSize: 4);
        Assert.Equal(first.Select(s => string.Join(",", s)), again.Select(s => string.Join(",", s)));
        Assert.Equal(first.Count, first.Select(s => string.Join(",", s)).Distinct().Count()); // rows of a batch are distinct samples
        int bos = model.Config.BosId!.Value;
        foreach (var sequence in first)
        {
            Assert.Equal(bos, sequence[0]);
            Assert.InRange(sequence.Length, 3, 25);
            Assert.DoesNotContain(bos, sequence.Skip(1)); // cut before a new story starts
        }
    }

    [SkippableFact]
    public void ActivationBuffer_HoldsOutWholeSequences_AndSkipsBos()
    {
        using var model = Stories260K.Load();
        var sequences = SelfGeneratedSequences.Sample(model, count: 10, newTokens: 16, seed: 3);
        var options = new SaeTrainingOptions { Hook = MiddleLayer, Kind = SaeTrainingKind.TopK, K = 4, Width = 32, BatchTokens = 8, ValidationFraction = 0.2, ForwardBatchSize = 3 };
        using var buffer = ActivationBuffer.Collect(model, sequences, options);
        Assert.Equal(2, buffer.ValidationSequences.Count);
        Assert.Equal(8, buffer.TrainSequences);
        Assert.Equal(buffer.ValidationSequences.Sum(s => s.Length - 1), buffer.Validation.shape[0]);
        Assert.Equal(sequences.Sum(s => s.Length - 1), buffer.Train.shape[0] + buffer.Validation.shape[0]);
        Assert.Equal(model.Config.DModel, buffer.DModel);
        Assert.False(buffer.Capped);

        var capped = options with { MaxBufferBytes = 4L * model.Config.DModel * 20 }; // room for 20 training tokens
        using var small = ActivationBuffer.Collect(model, sequences, capped);
        Assert.Equal(20, small.Train.shape[0]);
        Assert.True(small.Capped);
    }

    [Fact]
    public void CorpusWindows_CutTheTokenStreamIntoBosWindows_AndStopAtTheTokenBudget()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, string.Concat(Enumerable.Range(0, 200).Select(i => $"line {i} of the corpus\n")));
            IEnumerable<int> Encode(string text) => text.Where(c => !char.IsWhiteSpace(c)).Select(c => 10 + c % 50);
            var all = CorpusWindows.Read(path, Encode, bos: 1, windowTokens: 16, maxTokens: 1_000_000);
            int expectedIds = File.ReadAllText(path).Count(c => !char.IsWhiteSpace(c));
            Assert.All(all, w => Assert.Equal(1, w[0]));
            Assert.All(all.SkipLast(1), w => Assert.Equal(16, w.Length));
            Assert.Equal(expectedIds, all.Sum(w => w.Length - 1));

            var budgeted = CorpusWindows.Read(path, Encode, bos: 1, windowTokens: 16, maxTokens: 100);
            Assert.Equal(6, budgeted.Count); // 6 × 16 = 96 ≤ 100
            Assert.Equal(all.Take(6).Select(w => string.Join(",", w)), budgeted.Select(w => string.Join(",", w)));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void CorpusWindows_RejectInvalidUtf8_NamingTheFile()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0x61, 0x62, 0xff, 0xfe, 0x63, 0x0a]);
            var error = Assert.Throws<InvalidDataException>(() => CorpusWindows.Read(path, t => t.Select(c => (int)c), 1, 8, 1000));
            Assert.Contains(path, error.Message);
        }
        finally { File.Delete(path); }
    }

    [SkippableFact]
    public async Task TrainSaeCommand_WritesTheSaeAndItsReport()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"steerlab-cli-sae-{Guid.NewGuid():N}");
        try
        {
            int exit = await CliApp.RunAsync([
                "train-sae", "--model", Stories260K.Directory, "--hook", "blocks.1.hook_resid_post", "--self-generated", "12",
                "--new-tokens", "24", "--width", "64", "--l1", "0.5", "--steps", "20", "--batch-tokens", "64", "--out", folder, "--json"]);
            Assert.Equal(0, exit);
            using var loaded = SaeLensFormat.Load(folder);
            Assert.Equal(SaeActivation.Relu, loaded.Config.Activation);
            Assert.Equal(64, loaded.DSae);
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, SaeTrainingResult.ReportFileName)));
            Assert.Equal("relu_l1", report.RootElement.GetProperty("kind").GetString());
            Assert.Equal(0.5, report.RootElement.GetProperty("l1_coefficient").GetDouble());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    static void AssertUnitNormDecoderRows(SparseAutoencoder sae)
    {
        using var norms = sae.WDec.norm(1);
        double worst = (norms - 1).abs().max().item<float>();
        Assert.True(worst < 1e-4, $"decoder row norms differ from 1 by up to {worst}");
    }

    /// <summary>Activations that are sparse non-negative combinations of 48 known unit directions in d = 32 (each
    /// active with probability 3/48, magnitude in [1, 3]), plus an offset, all scaled by 5 — so the trainer's input
    /// scaling and bias folding are exercised.</summary>
    static class SparseSynthetic
    {
        public static (Tensor Train, Tensor Validation, Tensor Dictionary) Make(int trainTokens, int validationTokens)
        {
            using var dictionaryGenerator = new TorchSharp.torch.Generator(99);
            var dictionary = randn(48, 32, generator: dictionaryGenerator);
            dictionary /= dictionary.norm(1, keepdim: true);
            using var offset = randn(32, generator: dictionaryGenerator) * 2;
            Tensor Sample(int n, ulong seed)
            {
                using var scope = NewDisposeScope();
                using var generator = new TorchSharp.torch.Generator(seed);
                var active = rand(n, 48, generator: generator).lt(3.0 / 48);
                var magnitudes = rand(n, 48, generator: generator) * 2 + 1;
                return scope.MoveToOuter(((active * magnitudes).matmul(dictionary) + offset) * 5);
            }
            return (Sample(trainTokens, 1), Sample(validationTokens, 2), dictionary);
        }

        public static SaeTrainingOptions Options(SaeTrainingKind kind) => new()
        {
            Hook = HookPoint.Parse("blocks.0.hook_resid_post"), Kind = kind, Width = 96,
            Steps = 500, BatchTokens = 1024, LearningRate = 3e-3, Seed = 3,
        };

        public static SaeConfig Config(SaeTrainingOptions options) => new()
        {
            DIn = 32, DSae = options.Width, K = options.K, ApplyBDecToInput = true,
            Activation = options.Kind == SaeTrainingKind.TopK ? SaeActivation.TopK : SaeActivation.Relu,
        };
    }
}
