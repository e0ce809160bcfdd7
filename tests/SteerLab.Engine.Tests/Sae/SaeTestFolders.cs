using System.Text.Json;
using SteerLab.Engine.Models.Safetensors;
using static SteerLab.Engine.Tests.Sae.NpyTestFiles;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Sae;

/// <summary>Writes tiny SAEs in each public layout, from explicit numbers, for the format tests.</summary>
static class SaeTestFolders
{
    /// <summary>The d = 2, m = 3 SAE most tests use; hand-computed expectations refer to these numbers.
    /// W_enc [2, 3] = [[1, 0, −1], [0, 2, 1]]; W_dec [3, 2] = [[1, 0], [0, 1], [1, 1]].</summary>
    public static readonly float[] WEnc = [1, 0, -1, 0, 2, 1];
    public static readonly float[] WDec = [1, 0, 0, 1, 1, 1];

    /// <summary>Gemma Scope's params.npz with the given arrays (name → .npy bytes).</summary>
    public static string WriteGemmaScope(string root, string relativePath, IEnumerable<(string Name, byte[] Npy)> arrays, bool compressed = false)
    {
        string path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WriteNpz(path, arrays, compressed);
        return path;
    }

    /// <summary>The standard Gemma Scope test arrays: b_enc [0.5, −1, 0], b_dec [1, −1], threshold [1, 1, 0.25].</summary>
    public static List<(string Name, byte[] Npy)> GemmaScopeArrays() =>
    [
        ("W_enc", Float32([2, 3], WEnc)),
        ("W_dec", Float32([3, 2], WDec)),
        ("b_enc", Float32([3], 0.5f, -1, 0)),
        ("b_dec", Float32([2], 1, -1)),
        ("threshold", Float32([3], 1, 1, 0.25f)),
    ];

    /// <summary>A SAELens folder: cfg.json from <paramref name="cfg"/> (an anonymous object or raw JSON text)
    /// and sae_weights.safetensors from name → (shape, values, stored dtype).</summary>
    public static string WriteSaeLens(string folder, object cfg, IEnumerable<(string Name, long[] Shape, float[] Values)> tensors, ScalarType dtype = ScalarType.Float32)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "cfg.json"), cfg as string ?? JsonSerializer.Serialize(cfg));
        WriteSafetensors(Path.Combine(folder, "sae_weights.safetensors"), tensors, dtype);
        return folder;
    }

    public static List<(string Name, long[] Shape, float[] Values)> SaeLensTensors(float[]? bEnc = null, float[]? bDec = null) =>
    [
        ("W_enc", [2, 3], WEnc),
        ("W_dec", [3, 2], WDec),
        ("b_enc", [3], bEnc ?? [0, 0, 0.5f]),
        ("b_dec", [2], bDec ?? [1, 2]),
    ];

    public static void WriteSafetensors(string path, IEnumerable<(string Name, long[] Shape, float[] Values)> tensors, ScalarType dtype = ScalarType.Float32)
    {
        var owned = tensors.Select(t => (t.Name, Tensor: tensor(t.Values).reshape(t.Shape).to(dtype))).ToList();
        try { SafetensorsWriter.Write(path, owned.Select(t => new KeyValuePair<string, Tensor>(t.Name, t.Tensor))); }
        finally { foreach (var (_, t) in owned) t.Dispose(); }
    }

    /// <summary>A Llama Scope folder: hyperparams.json and checkpoints/final.safetensors (bf16 by default).</summary>
    public static string WriteLlamaScope(string folder, object hyperparams, IEnumerable<(string Name, long[] Shape, float[] Values)> tensors, ScalarType dtype = ScalarType.BFloat16)
    {
        Directory.CreateDirectory(Path.Combine(folder, "checkpoints"));
        File.WriteAllText(Path.Combine(folder, "hyperparams.json"), hyperparams as string ?? JsonSerializer.Serialize(hyperparams));
        WriteSafetensors(Path.Combine(folder, "checkpoints", "final.safetensors"), tensors, dtype);
        return folder;
    }
}
