using System.Text.Json;
using SteerLab.Engine.Evaluation.Benchmarks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Safetensors;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Evaluation;

/// <summary>The bench's pieces on hand-made inputs: model sizes, the bound arithmetic, the /proc parser, the report.
/// Nothing here asserts a timing.</summary>
public sealed class BenchmarkTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-bench-test-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static Tensor LastLogits(TransformerModel model, params long[] ids)
    {
        using var input = tensor(ids, ScalarType.Int64).unsqueeze(0); // [1, seq]
        return model.Forward(new ForwardInput { InputIds = input, LastLogitsOnly = true });
    }

    static void AssertFiniteLogits(Tensor logits, int vocab)
    {
        Assert.Equal(new long[] { 1, 1, vocab }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>(), "logits must be finite");
        Assert.True(logits.abs().max().item<float>() > 0, "random weights should give non-zero logits");
    }

    [Theory]
    [InlineData(ScalarType.Float32, 4)]
    [InlineData(ScalarType.BFloat16, 2)]
    public void Gpt2Small_HasGpt2SmallParameterCount_AndGivesFiniteLogits(ScalarType dtype, int bytesPerElement)
    {
        // GPT-2 small as published: 124,439,808 parameters (wte 50257·768 + wpe 1024·768 + 12 blocks of
        // 7,087,872 + final norm 2·768), the head tied to wte.
        const long Gpt2SmallParameters = 50257L * 768 + 1024L * 768 + 12L * (4 * 768 + 768 * 2304 + 2304 + 768 * 768 + 768 + 768 * 3072 + 3072 + 3072 * 768 + 768) + 2 * 768;
        Assert.Equal(124_439_808, Gpt2SmallParameters);

        using var random = RandomModels.Build(EngineBenchmark.Gpt2SmallName, RandomModels.Gpt2Small, dtype);

        Assert.Equal(Gpt2SmallParameters, random.ParameterCount);
        Assert.Equal(Gpt2SmallParameters * bytesPerElement, random.Model.WeightBytes); // every GPT-2 tensor is in the weight type
        Assert.Equal(50257L * 768 * bytesPerElement, random.EmbeddingBytes);
        using var logits = LastLogits(random.Model, 1, 2, 3, 50256);
        AssertFiniteLogits(logits, 50257);
    }

    [Fact]
    public void Gemma2Slice_HasExactParameterCount_AndGivesFiniteLogits()
    {
        // d 2304, 8 heads × 256, 4 KV heads × 256, ff 9216, vocab 256000, 2 layers, tied head.
        const long Embedding = 256000L * 2304;                        // 589,824,000
        const long Attention = 2304L * 2048 * 2 + 2304L * 1024 * 2;   // q, o and k, v: 14,155,776
        const long Mlp = 3L * 2304 * 9216;                            // gate, up, down: 63,700,992
        const long Norms = 4L * 2304;                                 // four norms per block
        const long Expected = Embedding + 2 * (Attention + Mlp + Norms) + 2304; // + final norm
        Assert.Equal(745_558_272, Expected);

        // bfloat16 keeps the test's memory at ~1.5 GB; norms stay float32 as Gemma2.Load keeps them.
        using var random = RandomModels.Build(EngineBenchmark.Gemma2SliceName, RandomModels.Gemma2Slice, ScalarType.BFloat16);

        Assert.Equal(Expected, random.ParameterCount);
        long normParameters = 2 * Norms + 2304;
        Assert.Equal((Expected - normParameters) * 2 + normParameters * 4, random.Model.WeightBytes);
        Assert.Equal(Embedding * 2, random.EmbeddingBytes);
        Assert.True(random.EmbeddingBytes > 0.75 * random.Model.WeightBytes, "the embedding dominates the slice's weight bytes");
        using var logits = LastLogits(random.Model, 2, 255999, 17, 4096);
        AssertFiniteLogits(logits, 256000);
        Assert.True(logits.abs().max().item<float>() <= 30, "final logits are soft-capped at 30");
    }

    [Fact]
    public void RandomCheckpoint_LoadsToTheSameModelAsTheInMemoryBuilder()
    {
        var tiny = RandomModels.Gpt2Small with { DModel = 32, LayerCount = 2, HeadCount = 4, KvHeadCount = 4, HeadDim = 8, FeedForwardDim = 64, VocabSize = 100, MaxPositions = 16 };
        long written = RandomCheckpoint.WriteGpt2(folder, tiny, seed: 5);

        using var loaded = ModelLoader.Load(folder, ScalarType.Float32);
        using var built = RandomModels.Build("tiny", tiny, ScalarType.Float32, seed: 5);

        Assert.Equal(built.Model.WeightBytes, loaded.WeightBytes);
        Assert.Equal(written, loaded.WeightBytes);
        Assert.Equal(tiny.VocabSize, loaded.Config.VocabSize);
        using var expected = LastLogits(built.Model, 1, 2, 3);
        using var actual = LastLogits(loaded, 1, 2, 3);
        // Same weights bit for bit; the logits may differ in the last bits (the mapped file's alignment can change
        // the matmul kernels' summation order): measured 3e-8 on logits of size ~1e-3.
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= 1e-6, $"same seed, same weights, same logits: max |diff| {diff:G4}");
        using var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        var drawn = RandomModels.Gpt2Tensors(tiny, ScalarType.Float32, seed: 5);
        Assert.Equal(drawn.Select(p => p.Key).Order(), file.Tensors.Keys.Order());
        foreach (var (name, value) in drawn)
        {
            using (value)
            using (var stored = file.Load(name))
                Assert.True(stored.eq(value).all().item<bool>(), $"{name} differs from the in-memory draw");
        }
    }

    [Fact]
    public void LoadMemoryProbe_ReadsResidentMemoryAroundALoad()
    {
        var tiny = RandomModels.Gpt2Small with { DModel = 32, LayerCount = 1, HeadCount = 4, KvHeadCount = 4, HeadDim = 8, FeedForwardDim = 64, VocabSize = 100, MaxPositions = 16 };
        long written = RandomCheckpoint.WriteGpt2(folder, tiny);

        var reading = LoadMemoryProbe.Run(folder, ScalarType.BFloat16);

        Assert.Equal("bf16", reading.DType);
        Assert.Equal(written / 2, reading.WeightBytes);
        Assert.True(reading.BaselineResidentBytes > 0 && reading.PeakResidentBytes >= reading.FinalResidentBytes, reading.ToString());
        Assert.True(reading.PeakResidentBytes >= reading.BaselineResidentBytes, reading.ToString());
    }

    [Fact]
    public void BandwidthBound_IsBandwidthOverBytesPerToken()
    {
        var bound = new BandwidthBound(BytesPerSecond: 20e9, BytesPerToken: 500_000_000);

        Assert.Equal(40.0, bound.TokensPerSecond, 12);
        Assert.Equal(0.75, bound.FractionReached(30), 12);
        Assert.Equal(1.0, bound.FractionReached(40), 12);
        Assert.Throws<InvalidOperationException>(() => new BandwidthBound(20e9, 0).TokensPerSecond);
    }

    [Fact]
    public void Summarise_UsesCopyBandwidthForTheBound_AndMatVecForTheSecondRatio()
    {
        using var random = RandomModels.Build("tiny", RandomModels.Gpt2Small with { DModel = 16, LayerCount = 1, HeadCount = 2, KvHeadCount = 2, HeadDim = 8, FeedForwardDim = 32, VocabSize = 50, MaxPositions = 8 }, ScalarType.Float32);
        long bytes = random.Model.WeightBytes;
        // Copy: 2·bytes counted per 0.5 s run = 4·bytes/s → bound 4 tok/s. Mat-vec: bytes per 1 s → bound 1 tok/s.
        var copy = new BandwidthMeasurement("copy", 2 * bytes, "read + written", [0.4, 0.5, 0.9]);
        var matVec = new BandwidthMeasurement("mv", bytes, "matrix", [1.0]);
        var measured = new ThroughputResult(PrefillSeconds: [2.0, 1.0, 4.0], DecodeSecondsPerToken: [0.5, 0.25, 1.0, 0.5], PromptLength: 128);

        var result = EngineBenchmark.Summarise(random, "f32", measured, copy, matVec);

        Assert.Equal(64.0, result.PrefillTokensPerSecond, 12);       // 128 tokens / median 2 s
        Assert.Equal(2.0, result.DecodeTokensPerSecond, 12);         // 1 / median 0.5 s
        Assert.Equal(4.0, result.DecodeBoundTokensPerSecond, 9);
        Assert.Equal(0.5, result.DecodeFractionOfBound, 9);
        Assert.Equal(1.0, result.DecodeMatVecBoundTokensPerSecond, 9);
        Assert.Equal(2.0, result.DecodeFractionOfMatVecBound, 9);
    }

    [Theory]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { 7.0 }, 7.0)]
    public void Median_OfOddAndEvenCounts(double[] values, double expected) => Assert.Equal(expected, Timing.Median(values));

    const string StatusText = """
        Name:	SteerLab.Engine
        Umask:	0022
        State:	R (running)
        VmPeak:	 9876543 kB
        VmSize:	 9000000 kB
        VmLck:	       0 kB
        VmHWM:	  812345 kB
        VmRSS:	  700001 kB
        RssAnon:	  200000 kB
        RssFile:	  500001 kB
        Threads:	20
        """;

    [Fact]
    public void ProcessMemoryStatus_ParsesVmRssAndVmHwmInKibibytes()
    {
        var status = ProcessMemoryStatus.Parse(StatusText);

        Assert.Equal(700001L * 1024, status.ResidentBytes);
        Assert.Equal(812345L * 1024, status.PeakResidentBytes);
    }

    [Theory]
    [InlineData("VmRSS:\t  100 kB\n", "VmHWM")]
    [InlineData("VmHWM:\t  100 kB\nVmRSS:\t  1x0 kB\n", "1x0")]
    [InlineData("VmHWM:\t  100 kB\nVmRSS:\t  100 MB\n", "100 MB")]
    public void ProcessMemoryStatus_RejectsMissingOrMalformedLines(string text, string named)
    {
        var error = Assert.Throws<InvalidDataException>(() => ProcessMemoryStatus.Parse(text));
        Assert.Contains(named, error.Message);
    }

    [SkippableFact]
    public void ProcessMemoryStatus_ReadsThisProcess()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/proc/self/status is Linux only");
        var status = ProcessMemoryStatus.ReadSelf();
        Assert.True(status.ResidentBytes > 0 && status.PeakResidentBytes >= status.ResidentBytes, status.ToString());
    }

    [Fact]
    public void LoadMemoryReading_RatiosAndProbeOutputRoundTrip()
    {
        const long MB = 1_000_000;
        var reading = new LoadMemoryReading("f32", WeightBytes: 500 * MB, BaselineResidentBytes: 200 * MB, BaselinePeakResidentBytes: 210 * MB,
            PeakResidentBytes: 750 * MB, FinalResidentBytes: 740 * MB);
        Assert.Equal(1.1, reading.PeakGrowthOverWeights, 12);
        Assert.Equal(1.5, reading.PeakOverWeights, 12);

        string output = "some libtorch chatter\n{not json yet\n" + JsonSerializer.Serialize(reading, BenchJson.Compact) + "\n\n";
        Assert.Equal(reading, LoadMemoryBenchmark.ParseReading(output));
        Assert.Throws<InvalidDataException>(() => LoadMemoryBenchmark.ParseReading("no reading here"));
    }

    [Fact]
    public void ChildProcess_RunsTheApphostDirectly_OrTheAssemblyUnderDotnet()
    {
        string dll = Path.Combine(folder, "SteerLab.Engine.dll");

        var apphost = EngineChildProcess.StartInfo(["bench", "load-probe"], Path.Combine(folder, "SteerLab.Engine"), dll);
        Assert.Equal(Path.Combine(folder, "SteerLab.Engine"), apphost.FileName);
        Assert.Equal(new[] { "bench", "load-probe" }, apphost.ArgumentList);

        var dotnet = EngineChildProcess.StartInfo(["bench"], "/usr/share/dotnet/dotnet", dll);
        Assert.Equal("/usr/share/dotnet/dotnet", dotnet.FileName);
        Assert.Equal(new[] { dll, "bench" }, dotnet.ArgumentList);

        // Another host (a test runner) with no apphost beside the engine: dotnet + the engine's assembly.
        var other = EngineChildProcess.StartInfo(["bench"], "/opt/testhost", dll);
        Assert.Equal("dotnet", other.FileName);
        Assert.Equal(new[] { dll, "bench" }, other.ArgumentList);
    }

    [Fact]
    public void Report_RendersTablesAndSerialisesEveryNumber()
    {
        var measurement = new BandwidthMeasurement("copy_ 512 MiB float32", 1L << 30, "bytes read + bytes written (2 × buffer)", [0.1]);
        var model = new ModelBenchResult(EngineBenchmark.Gemma2SliceName, "bf16", 745_558_272, 1_491_171_840, 1_179_648_000,
            PrefillTokensPerSecond: 500, PrefillMedianSeconds: 0.256, DecodeTokensPerSecond: 8, DecodeMedianSecondsPerToken: 0.125,
            DecodeBoundTokensPerSecond: 10, DecodeFractionOfBound: 0.8, DecodeMatVecBoundTokensPerSecond: 12, DecodeFractionOfMatVecBound: 0.67);
        var load = new LoadMemoryResult("random GPT-2 small", 497_759_232,
            [new LoadMemoryReading("f32", 497_759_232, 300_000_000, 310_000_000, 820_000_000, 810_000_000)]);
        var report = new BenchReport(new MachineInfo(2, 2, "Test CPU", true, "Linux", ".NET"), new BandwidthReport(measurement, measurement, measurement),
            new ThroughputOptions(), [model], load, ["a note"], 12.5);

        string table = BenchReportTable.Render(report);
        Assert.Contains(EngineBenchmark.Gemma2SliceName, table);
        Assert.Contains("decode/bound", table);
        Assert.Contains("0.80", table);
        Assert.Contains("a note", table);
        Assert.Contains("met", table); // (820 − 300) / 497.8 = 1.04 ≤ 1.2

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, BenchJson.Options));
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("machine").GetProperty("processorCount").GetInt32());
        Assert.Equal(2, root.GetProperty("machine").GetProperty("torchThreads").GetInt32());
        Assert.Equal(0.8, root.GetProperty("models")[0].GetProperty("decodeFractionOfBound").GetDouble());
        Assert.True(root.GetProperty("bandwidth").GetProperty("copy").GetProperty("bytesPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("loadMemory").GetProperty("readings")[0].GetProperty("peakGrowthOverWeights").GetDouble() > 1);
    }
}
