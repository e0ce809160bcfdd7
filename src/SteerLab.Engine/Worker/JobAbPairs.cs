using System.Text;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Worker;

/// <summary>A/B questions that travel inside a job's parameters as the server stores pairs (a JSON array in CAA's A/B
/// schema or the MMLU/TruthfulQA benchmark schema), read with <see cref="AbTestSetReader"/> like a file.</summary>
static class JobAbPairs
{
    /// <param name="source">Where the pairs came from, for messages ("test set 'x'", "benchmarks[0] 'mmlu'").</param>
    /// <exception cref="DatasetFormatException">The JSON is malformed or a row breaks the schema (row and field named).</exception>
    public static ContrastiveDataset Read(string? pairsJson, string name, string source)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(pairsJson ?? "");
        // The server bounded the upload; here the limit is just the text that came.
        var limits = new DatasetLimits { MaxBytes = Math.Max(1, bytes.Length), MaxRows = int.MaxValue };
        return AbTestSetReader.Read(new MemoryStream(bytes, writable: false), source, DatasetFileFormat.Json, name, limits);
    }
}
