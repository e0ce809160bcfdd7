using System.Text;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>The bench report as plain-text tables (MB = 10^6 bytes, GB = 10^9 bytes).</summary>
public static class BenchReportTable
{
    public static string Render(BenchReport report)
    {
        var s = new StringBuilder();
        void Line(string text = "") => s.Append(text).Append('\n');
        var m = report.Machine;
        Line($"SteerLab bench: {m.CpuModel}, {m.ProcessorCount} processors, {m.TorchThreads} torch threads, avx512_bf16 {(m.Avx512Bf16 ? "yes" : "no")}; {m.Runtime}");
        Line();

        Line("Memory bandwidth (median of timed runs)");
        foreach (var b in new[] { report.Bandwidth.Copy, report.Bandwidth.MatVecFloat32, report.Bandwidth.MatVecBFloat16 })
            Line($"  {b.Name,-28} {b.BytesPerSecond / 1e9,6:F1} GB/s   {b.MedianSeconds * 1e3,7:F1} ms per run, counting {b.BytesCounted} = {Mb(b.BytesPerRun)}");
        Line("  The decode bound below uses the copy bandwidth.");
        Line();

        var t = report.Throughput;
        Line($"Throughput (batch 1; prefill: {t.PromptLength}-token prompt; decode: {t.DecodeSteps} steps after it, KV cache, last logits only)");
        var rows = new List<string[]> { new[] { "model", "dtype", "params", "weights", "embedding", "prefill tok/s", "decode tok/s", "ms/token", "bound tok/s", "decode/bound", "mat-vec bound", "decode/mv" } };
        foreach (var r in report.Models)
            rows.Add([r.Model, r.DType, $"{r.Parameters / 1e6:F1}M", Mb(r.WeightBytes), $"{(double)r.EmbeddingBytes / r.WeightBytes:P0}",
                F(r.PrefillTokensPerSecond), F(r.DecodeTokensPerSecond), $"{r.DecodeMedianSecondsPerToken * 1e3:F1}", F(r.DecodeBoundTokensPerSecond),
                $"{r.DecodeFractionOfBound:F2}", F(r.DecodeMatVecBoundTokensPerSecond), $"{r.DecodeFractionOfMatVecBound:F2}"]);
        Table(rows, s);
        Line();

        if (report.LoadMemory is { } load)
        {
            Line($"Peak resident memory loading a checkpoint ({load.Checkpoint}, {Mb(load.CheckpointBytes)}), one child process per type");
            var memory = new List<string[]> { new[] { "load as", "weights", "baseline RSS", "peak (VmHWM)", "final RSS", "(peak-baseline)/weights", "peak/weights", $"target <= {LoadMemoryResult.TargetPeakOverWeights}" } };
            foreach (var r in load.Readings)
                memory.Add([r.DType + (r.DType == "f32" ? " (zero-copy)" : " (converted)"), Mb(r.WeightBytes), Mb(r.BaselineResidentBytes), Mb(r.PeakResidentBytes),
                    Mb(r.FinalResidentBytes), $"{r.PeakGrowthOverWeights:F2}", $"{r.PeakOverWeights:F2}",
                    r.PeakGrowthOverWeights <= LoadMemoryResult.TargetPeakOverWeights ? "met" : "MISSED"]);
            Table(memory, s);
            Line("  baseline = VmRSS after TorchSharp start-up, before loading; the target is judged on (peak-baseline)/weights.");
            Line();
        }

        Line("Notes");
        foreach (var note in report.Notes) Line($"  - {note}");
        Line($"Bench took {report.ElapsedSeconds:F0} s.");
        return s.ToString();
    }

    static string Mb(long bytes) => $"{bytes / 1e6:F1} MB";

    static string F(double value) => value.ToString(value >= 100 ? "F0" : "F1");

    /// <summary>Left-aligns the first two columns, right-aligns the rest.</summary>
    static void Table(List<string[]> rows, StringBuilder s)
    {
        int columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            s.Append("  ").AppendJoin("  ", row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).Append('\n');
    }
}
