using SteerLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>Resident memory around loading one checkpoint, in bytes (from /proc/self/status).</summary>
/// <param name="WeightBytes">the loaded model's weights as held in memory (<see cref="TransformerModel.WeightBytes"/>)</param>
/// <param name="BaselineResidentBytes">VmRSS after TorchSharp is initialised, before loading</param>
/// <param name="BaselinePeakResidentBytes">VmHWM at the same moment (start-up transients)</param>
/// <param name="PeakResidentBytes">VmHWM after loading and one forward pass</param>
/// <param name="FinalResidentBytes">VmRSS at the same moment</param>
public sealed record LoadMemoryReading(string DType, long WeightBytes, long BaselineResidentBytes,
    long BaselinePeakResidentBytes, long PeakResidentBytes, long FinalResidentBytes)
{
    /// <summary>What loading added at its peak, per weight byte (1.0 = nothing but the weights).</summary>
    public double PeakGrowthOverWeights => (double)(PeakResidentBytes - BaselineResidentBytes) / WeightBytes;
    /// <summary>The whole process's peak per weight byte (includes the runtime and libtorch).</summary>
    public double PeakOverWeights => (double)PeakResidentBytes / WeightBytes;
}

/// <summary>The measurement a child process runs (the bench's hidden <c>load-probe</c> verb), so that its peak
/// resident memory reflects loading one checkpoint and nothing else: initialise TorchSharp, read the baseline,
/// load, run one forward over a few tokens (touching every weight page the forward reads), read the peak.</summary>
public static class LoadMemoryProbe
{
    public const int ForwardTokens = 8;

    public static LoadMemoryReading Run(string directory, ScalarType weightType)
    {
        using (var warm = ones(64, 64)) warm.matmul(warm).Dispose(); // loads libtorch and starts its thread pool
        var baseline = ProcessMemoryStatus.ReadSelf();

        using var model = ModelLoader.Load(directory, weightType);
        using (var scope = NewDisposeScope())
        {
            using Scalar tokens = ForwardTokens.ToScalar(), vocab = model.Config.VocabSize.ToScalar();
            var ids = arange(TorchScalars.Zero, tokens, TorchScalars.One, ScalarType.Int64).remainder(vocab).unsqueeze(0); // [1, seq]
            using var cache = model.NewCache(ForwardTokens);
            var logits = model.Forward(new ForwardInput { InputIds = ids, Cache = cache, LastLogitsOnly = true });
            if (!logits.isfinite().all().item<bool>()) throw new InvalidOperationException($"{directory}: the forward pass gave non-finite logits");
        }
        var after = ProcessMemoryStatus.ReadSelf();
        return new LoadMemoryReading(weightType == ScalarType.BFloat16 ? "bf16" : "f32", model.WeightBytes,
            baseline.ResidentBytes, baseline.PeakResidentBytes, after.PeakResidentBytes, after.ResidentBytes);
    }
}
