using static TorchSharp.torch;

namespace SteerLab.Server.Engine;

/// <summary>Reads <c>SteerLab:Engine:WeightType</c>.</summary>
public static class EngineWeightTypes
{
    public static bool IsValid(string? text) => text?.ToLowerInvariant() is "f32" or "float32" or "bf16" or "bfloat16";

    public static ScalarType Parse(string text) => text.ToLowerInvariant() switch
    {
        "f32" or "float32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"SteerLab:Engine:WeightType must be f32 or bf16, not '{text}'"),
    };
}
