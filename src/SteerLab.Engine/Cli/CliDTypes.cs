using static TorchSharp.torch;

namespace SteerLab.Engine.Cli;

static class CliDTypes
{
    public static ScalarType Parse(string text) => text.ToLowerInvariant() switch
    {
        "f32" or "float32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"--dtype must be f32 or bf16, not '{text}'"),
    };
}
