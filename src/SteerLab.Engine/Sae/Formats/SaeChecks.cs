using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>Checks every SAE format shares: shapes declared in a file against the SAE's dimensions (before
/// loading), a total size bound, finite weights (a NaN or ±Inf weight poisons every code it touches, so it is
/// refused at load rather than discovered as NaN steering later), hook names, and assembling the
/// <see cref="SparseAutoencoder"/> without leaking tensors.</summary>
static class SaeChecks
{
    public static string ShapeText(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Fails unless <paramref name="actual"/> equals <paramref name="expected"/>; the message says
    /// when the tensor looks stored transposed.</summary>
    public static void ExpectShape(string source, string name, long[] actual, long[] expected, string meaning)
    {
        if (actual.SequenceEqual(expected)) return;
        string hint = actual.Length == 2 && expected.Length == 2 && actual[0] == expected[1] && actual[1] == expected[0]
            ? " (it looks transposed)" : "";
        throw new SaeFormatException(source, $"{name} has shape {ShapeText(actual)}, expected {ShapeText(expected)} ({meaning}){hint}");
    }

    /// <summary>d_in and d_sae as ints, positive.</summary>
    public static int Dimension(string source, string what, long value)
    {
        if (value <= 0 || value > int.MaxValue)
            throw new SaeFormatException(source, $"{what} must be a positive integer below 2^31, got {value}");
        return (int)value;
    }

    /// <summary>Fails if the float32 tensors of an SAE with these dimensions would exceed the limit.</summary>
    public static void CheckTotalSize(string source, long dIn, long dSae, long maxBytes)
    {
        // W_enc + W_dec + b_enc + b_dec + threshold, as float32: cannot overflow for int dimensions.
        long bytes = (2 * dIn * dSae + 2 * dSae + dIn) * sizeof(float);
        if (bytes > maxBytes)
            throw new SaeFormatException(source, $"an SAE with d_in {dIn} and d_sae {dSae} needs {bytes} bytes as float32, over the {maxBytes}-byte limit");
    }

    public static void RequireFinite(string source, string name, Tensor tensor)
    {
        using var finite = tensor.isfinite();
        using var count = finite.count_nonzero(); // held, not chained: a finalizer could free a temporary mid-call
        long bad = finite.numel() - count.item<long>();
        if (bad > 0)
            throw new SaeFormatException(source, $"{name} contains {bad} non-finite value{(bad == 1 ? "" : "s")} (NaN or ±Inf); refusing to load corrupt weights");
    }

    /// <summary>Maps a TransformerLens/SAELens hook name to our <see cref="HookPoint"/>; null stays null.</summary>
    public static HookPoint? ParseHook(string source, string field, string? name)
    {
        if (name is null) return null;
        if (HookPoint.TryParse(name, out var point)) return point;
        throw new SaeFormatException(source,
            $"{field} '{name}' is not a supported hook point (SteerLab reads and writes blocks.L.hook_resid_pre, hook_resid_post, hook_attn_out and hook_mlp_out)");
    }

    /// <summary>Builds the SAE from freshly loaded tensors, checking they are finite (errors name
    /// <paramref name="weightsSource"/>). Call inside a dispose scope that owns the inputs: the SAE's own
    /// tensors are moved out of it, everything else is freed with it.</summary>
    public static SparseAutoencoder Assemble(DisposeScope scope, string weightsSource, SaeConfig config,
        Tensor wEnc, Tensor wDec, Tensor bEnc, Tensor bDec, Tensor? threshold)
    {
        RequireFinite(weightsSource, "W_enc", wEnc);
        RequireFinite(weightsSource, "W_dec", wDec);
        RequireFinite(weightsSource, "b_enc", bEnc);
        RequireFinite(weightsSource, "b_dec", bDec);
        if (threshold is not null) RequireFinite(weightsSource, "threshold", threshold);
        var sae = new SparseAutoencoder(config, wEnc.contiguous(), wDec.contiguous(), bEnc, bDec, threshold);
        var owned = new List<IDisposable> { sae.WEnc, sae.WDec, sae.BEnc, sae.BDec };
        if (sae.Threshold is not null) owned.Add(sae.Threshold);
        scope.MoveToOuter(owned);
        return sae;
    }

    /// <summary>Opens a safetensors weight file, turning its format errors into <see cref="SaeFormatException"/>s.</summary>
    public static SafetensorsFile OpenSafetensors(string path, string whereExpected)
    {
        if (!File.Exists(path)) throw new SaeFormatException(path, $"file not found ({whereExpected})");
        try { return SafetensorsFile.Open(path); }
        catch (SafetensorsFormatException e) { throw new SaeFormatException(path, e.Problem); }
    }

    /// <summary>Fails unless the file declares <paramref name="name"/> with exactly this shape (header only).</summary>
    public static void ExpectTensor(SafetensorsFile file, string name, long[] shape, string meaning)
    {
        if (!file.Tensors.TryGetValue(name, out var info))
            throw new SaeFormatException(file.Path, $"missing tensor '{name}' (found: {string.Join(", ", file.Tensors.Keys.Order())})");
        ExpectShape(file.Path, name, info.Shape, shape, meaning);
    }

    /// <summary>A float32 copy that owns its memory (the file's zero-copy views die with the mapping).</summary>
    public static Tensor LoadFloat32(SafetensorsFile file, string name)
    {
        using var stored = file.Load(name);
        return stored.to(ScalarType.Float32, copy: true);
    }
}
