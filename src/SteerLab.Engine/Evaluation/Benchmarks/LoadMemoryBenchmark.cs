using System.Text.Json;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <param name="Checkpoint">what was loaded, in words</param>
/// <param name="CheckpointBytes">tensor bytes in the file (float32)</param>
public sealed record LoadMemoryResult(string Checkpoint, long CheckpointBytes, IReadOnlyList<LoadMemoryReading> Readings)
{
    /// <summary>DESIGN target: loading should add at most 1.2 × the weight bytes at its peak.</summary>
    public const double TargetPeakOverWeights = 1.2;
}

/// <summary>Peak resident memory of loading a GPT-2-small-shaped float32 checkpoint, as float32 (zero-copy
/// views of the mapped file) and as bfloat16 (converted): writes the checkpoint to a temporary folder, runs
/// the engine's load probe in a child process per type, deletes the folder.</summary>
public static class LoadMemoryBenchmark
{
    static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    /// <param name="probeVerb">the command-line words that run <see cref="LoadMemoryProbe"/> in a child
    /// (followed by <c>--model DIR --dtype f32|bf16</c> and <paramref name="extraArguments"/>)</param>
    public static LoadMemoryResult Measure(IReadOnlyList<string> probeVerb, IReadOnlyList<string> extraArguments, Action<string> progress)
    {
        var folder = Directory.CreateTempSubdirectory("steerlab-bench-load-");
        try
        {
            progress($"writing a random GPT-2-small float32 checkpoint to {folder.FullName}");
            long checkpointBytes = RandomCheckpoint.WriteGpt2(folder.FullName, RandomModels.Gpt2Small);
            var readings = new List<LoadMemoryReading>();
            foreach (string dtype in new[] { "f32", "bf16" })
            {
                progress($"loading it as {dtype} in a child process");
                string output = EngineChildProcess.Run([.. probeVerb, "--model", folder.FullName, "--dtype", dtype, .. extraArguments], ChildTimeout);
                readings.Add(ParseReading(output));
            }
            return new LoadMemoryResult("random GPT-2 small, float32 safetensors", checkpointBytes, readings);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The probe prints its reading as one JSON line (the last line that starts with '{').</summary>
    internal static LoadMemoryReading ParseReading(string output)
    {
        string? line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (line is null) throw new InvalidDataException($"the load probe printed no JSON reading: '{output.Trim()}'");
        return JsonSerializer.Deserialize<LoadMemoryReading>(line, BenchJson.Options)
            ?? throw new InvalidDataException($"the load probe printed null: '{line}'");
    }
}
