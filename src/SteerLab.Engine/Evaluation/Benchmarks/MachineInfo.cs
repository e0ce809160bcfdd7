using System.Runtime.InteropServices;
using TorchSharp;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>What the numbers were measured on. <see cref="Avx512Bf16"/> matters: without it bfloat16 matmuls on
/// CPU are emulated and slow.</summary>
public sealed record MachineInfo(int ProcessorCount, int TorchThreads, string CpuModel, bool Avx512Bf16, string OperatingSystem, string Runtime)
{
    /// <summary>Reads the torch thread count of the calling thread (the setting is per thread).</summary>
    public static MachineInfo Current()
    {
        string cpu = "unknown";
        bool bf16 = false;
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
        {
            var lines = File.ReadLines(cpuinfo).Take(64).ToList(); // the first processor's block
            cpu = lines.FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? cpu;
            bf16 = lines.FirstOrDefault(l => l.StartsWith("flags"))?.Split(':', 2)[1].Split(' ').Contains("avx512_bf16") ?? false;
        }
        return new MachineInfo(Environment.ProcessorCount, torch.get_num_threads(), cpu, bf16,
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
    }
}
