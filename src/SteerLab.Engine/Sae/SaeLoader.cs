using System.Security.Cryptography;
using SteerLab.Engine.Sae.Formats;

namespace SteerLab.Engine.Sae;

/// <summary>The SAE file formats SteerLab reads.</summary>
public enum SaeFileFormat { GemmaScope, SaeLens, LlamaScope }

/// <summary>Where an SAE is: its format, the file or folder its loader takes, and the weight file that
/// identifies it (hashed for <see cref="Steering.SaeReference"/>).</summary>
public sealed record SaeLocation(SaeFileFormat Format, string Root, string WeightFile);

/// <summary>Loads an SAE from a path in any supported format, detected from the files present, and checks it
/// fits the model it will be used with.
/// - Gemma Scope: a <c>params.npz</c> file (any .npz), or a folder holding one.
/// - SAELens and SteerLab's own: a folder with <c>cfg.json</c> and <c>sae_weights.safetensors</c>.
/// - Llama Scope: a folder with <c>hyperparams.json</c> (weights in <c>checkpoints/final.safetensors</c>).
/// A path to one of those files inside its folder is accepted too.</summary>
public static class SaeLoader
{
    /// <summary>Default bound on the memory an SAE's tensors may take: the largest public SAEs (Gemma Scope
    /// width 1m on Gemma-2-27B, ~39 GB as float32) fit; a malformed file declaring more is refused unread.</summary>
    public const long DefaultMaxBytes = 64L << 30;

    public static SparseAutoencoder Load(string path, int? expectedDModel = null, int? modelLayerCount = null, long maxBytes = DefaultMaxBytes)
    {
        var location = Locate(path);
        var sae = location.Format switch
        {
            SaeFileFormat.GemmaScope => GemmaScopeFormat.Load(location.Root, maxBytes),
            SaeFileFormat.SaeLens => SaeLensFormat.Load(location.Root, maxBytes),
            _ => LlamaScopeFormat.Load(location.Root, maxBytes),
        };
        try
        {
            CheckFitsModel(sae, expectedDModel, modelLayerCount);
            return sae;
        }
        catch
        {
            sae.Dispose();
            throw;
        }
    }

    /// <summary>Fails if the SAE's width or hook layer does not fit a model with <paramref name="dModel"/> and
    /// <paramref name="layerCount"/> (either may be null: not checked).</summary>
    public static void CheckFitsModel(SparseAutoencoder sae, int? dModel, int? layerCount)
    {
        var config = sae.Config;
        if (dModel is { } d && config.DIn != d)
            throw new SaeFormatException(config.Source, $"SAE d_in {config.DIn} does not match the model's d_model {d}");
        if (layerCount is { } layers && config.Hook is { } hook && (hook.Layer < 0 || hook.Layer >= layers))
            throw new SaeFormatException(config.Source, $"SAE hook {hook.Name} is at layer {hook.Layer}, but the model has {layers} layers (0 to {layers - 1})");
    }

    /// <summary>Detects the format of an SAE at <paramref name="path"/>.</summary>
    public static SaeLocation Locate(string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            string name = Path.GetFileName(full);
            if (name.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
                return new SaeLocation(SaeFileFormat.GemmaScope, full, full);
            // A file inside an SAE folder stands for the folder.
            string? folder = Path.GetDirectoryName(full);
            if (name == "final.safetensors" && Path.GetFileName(folder) == "checkpoints") folder = Path.GetDirectoryName(folder);
            if (folder is not null && name is SaeLensFormat.ConfigFileName or SaeLensFormat.WeightsFileName
                    or LlamaScopeFormat.HyperparamsFileName or "final.safetensors"
                && TryLocateFolder(folder) is { } inside)
                return inside;
            throw new SaeFormatException(full, "not a recognised SAE file: " + Expected);
        }
        if (!Directory.Exists(full)) throw new SaeFormatException(full, "no such file or folder");
        return TryLocateFolder(full) ?? throw new SaeFormatException(full, "not a recognised SAE folder: " + Expected);
    }

    const string Expected = "expected params.npz (Gemma Scope), cfg.json + sae_weights.safetensors (SAELens, SteerLab) " +
        "or hyperparams.json + checkpoints/final.safetensors (Llama Scope)";

    static SaeLocation? TryLocateFolder(string folder)
    {
        string npz = Path.Combine(folder, GemmaScopeFormat.FileName);
        if (File.Exists(npz)) return new SaeLocation(SaeFileFormat.GemmaScope, npz, npz);
        if (SaeLensFormat.IsSaeLensFolder(folder))
            return new SaeLocation(SaeFileFormat.SaeLens, folder, Path.Combine(folder, SaeLensFormat.WeightsFileName));
        if (LlamaScopeFormat.IsLlamaScopeFolder(folder))
            return new SaeLocation(SaeFileFormat.LlamaScope, folder, Path.Combine(folder, LlamaScopeFormat.CheckpointRelativePath));
        return null;
    }

    /// <summary>Lower-case hex SHA-256 of the SAE's weight file (what <see cref="Steering.SaeReference"/> records).</summary>
    public static string Sha256(string path)
    {
        string weights = Locate(path).WeightFile;
        if (!File.Exists(weights)) throw new SaeFormatException(weights, "file not found");
        using var stream = new FileStream(weights, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
