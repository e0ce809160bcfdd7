using System.Diagnostics;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <param name="Quick">fewer timed runs and decode steps</param>
/// <param name="LoadProbeVerb">command-line words that run the load probe in a child; null skips the memory probe</param>
/// <param name="LoadProbeExtraArguments">appended to each probe's command line (e.g. --threads)</param>
public sealed record BenchOptions(bool Quick, IReadOnlyList<string>? LoadProbeVerb, IReadOnlyList<string> LoadProbeExtraArguments);

/// <summary>The whole <c>bench</c> run: memory bandwidth, prefill and decode speed of random GPT-2 small and a
/// two-layer Gemma-2-2B slice in float32 and bfloat16 against the bandwidth bound, and the resident memory of
/// loading a checkpoint. Everything is measured in the same process and run, so ratios are comparable on a
/// noisy machine even when absolute numbers drift.</summary>
public static class EngineBenchmark
{
    public const string Gpt2SmallName = "gpt2-small";
    public const string Gemma2SliceName = "gemma2-2b-2-layer-slice";

    public static BenchReport Run(BenchOptions options, Action<string> progress)
    {
        var watch = Stopwatch.StartNew();
        int runs = options.Quick ? 3 : 5;
        var throughput = options.Quick ? new ThroughputOptions(PrefillRuns: 2, DecodeSteps: 12) : new ThroughputOptions();

        progress("measuring memory bandwidth");
        var bandwidth = new BandwidthReport(
            MemoryBandwidth.Copy(runs: runs),
            MemoryBandwidth.MatVec(type: ScalarType.Float32, runs: runs),
            MemoryBandwidth.MatVec(type: ScalarType.BFloat16, runs: runs));

        var results = new List<ModelBenchResult>();
        foreach (var (name, config) in new[] { (Gpt2SmallName, RandomModels.Gpt2Small), (Gemma2SliceName, RandomModels.Gemma2Slice) })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            progress($"{name} {DTypeName(dtype)}: building random weights");
            using var random = RandomModels.Build(name, config, dtype);
            progress($"{name} {DTypeName(dtype)}: prefill {throughput.PromptLength} tokens × {throughput.PrefillRuns}, decode {throughput.DecodeSteps} steps");
            var measured = ThroughputBenchmark.Measure(random.Model, throughput);
            var matVec = dtype == ScalarType.BFloat16 ? bandwidth.MatVecBFloat16 : bandwidth.MatVecFloat32;
            results.Add(Summarise(random, DTypeName(dtype), measured, bandwidth.Copy, matVec));
        }

        LoadMemoryResult? loadMemory = null;
        if (options.LoadProbeVerb is { } verb)
            loadMemory = LoadMemoryBenchmark.Measure(verb, options.LoadProbeExtraArguments, progress);

        return new BenchReport(MachineInfo.Current(), bandwidth, throughput, results, loadMemory,
            Notes(results, bandwidth, throughput), watch.Elapsed.TotalSeconds);
    }

    internal static ModelBenchResult Summarise(RandomModel random, string dtype, ThroughputResult measured, BandwidthMeasurement copy, BandwidthMeasurement matVec)
    {
        long weightBytes = random.Model.WeightBytes;
        var bound = new BandwidthBound(copy.BytesPerSecond, weightBytes);
        var matVecBound = new BandwidthBound(matVec.BytesPerSecond, weightBytes);
        double decode = measured.DecodeTokensPerSecond;
        return new ModelBenchResult(random.Name, dtype, random.ParameterCount, weightBytes, random.EmbeddingBytes,
            measured.PrefillTokensPerSecond, measured.PrefillMedianSeconds, decode, measured.DecodeMedianSecondsPerToken,
            bound.TokensPerSecond, bound.FractionReached(decode), matVecBound.TokensPerSecond, matVecBound.FractionReached(decode));
    }

    static List<string> Notes(IReadOnlyList<ModelBenchResult> results, BandwidthReport bandwidth, ThroughputOptions throughput)
    {
        var notes = new List<string>
        {
            $"Decode bound = copy bandwidth ({bandwidth.Copy.BytesPerSecond / 1e9:F1} GB/s, counting {bandwidth.Copy.BytesCounted}) ÷ the model's " +
            "weight bytes (TransformerModel.WeightBytes): at batch 1 each weight byte is read once per token. KV-cache reads are not counted.",
            "Tied embeddings are counted once: the unembedding matmul reads the whole table every token, the lookup only one row.",
        };
        var gpt2 = results.FirstOrDefault(r => r.Model == Gpt2SmallName);
        if (gpt2 is not null)
        {
            var c = RandomModels.Gpt2Small;
            notes.Add($"{Gpt2SmallName}: the {c.VocabSize}×{c.DModel} embedding is {Share(gpt2)} of the weight bytes; the {c.MaxPositions}×{c.DModel} " +
                $"position table ({(double)c.MaxPositions * c.DModel / gpt2.Parameters:P1}) is counted in full though decode reads one row of it.");
        }
        var gemma = results.FirstOrDefault(r => r.Model == Gemma2SliceName);
        if (gemma is not null)
        {
            var c = RandomModels.Gemma2Slice;
            notes.Add($"{Gemma2SliceName}: 2 of Gemma-2-2B's 26 layers; the {c.VocabSize}×{c.DModel} tied embedding is {Share(gemma)} of the weight bytes, " +
                "so its decode time is mostly the unembedding matmul (and the float32 logits soft-cap over 256000 entries).");
        }
        notes.Add($"Prefill: batch 1, {throughput.PromptLength}-token prompt, fresh KV cache, logits for the last position only; median of " +
            $"{throughput.PrefillRuns} runs after a warm-up. Decode: median per-token time of {throughput.DecodeSteps} greedy steps after the prompt " +
            $"(and {throughput.DecodeWarmupSteps} untimed steps).");
        return notes;
    }

    static string Share(ModelBenchResult r) => $"{(double)r.EmbeddingBytes / r.WeightBytes:P0}";

    public static string DTypeName(ScalarType type) => type == ScalarType.BFloat16 ? "bf16" : "f32";
}
