using System.Globalization;
using System.Security.Cryptography;
using SteerLab.Engine.Models.Safetensors;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.Activations;

/// <summary>The result of <see cref="ActivationCache.GetOrCompute"/>: the activations (the caller disposes them),
/// whether they came from the cache, and why not when they did not.</summary>
public sealed record ActivationCacheLookup(ContrastiveActivations Activations, bool FromCache, string? MissReason) : IDisposable
{
    public void Dispose() => Activations.Dispose();
}

/// <summary>Activations on disk, one safetensors file per <see cref="ActivationCacheKey"/> (tensors "positive" and
/// "negative", [n, d] float32), so thresholds, k and methods can be swept without running the model again (DESIGN §5).
/// The key is written into the file's metadata and compared on every read, with the shapes and a SHA-256 of the
/// tensor bytes: a file that is unreadable, truncated, altered or made for another key is recomputed and replaced,
/// never used. Files are written to a temporary name and renamed, so a reader never sees half a file.</summary>
public sealed class ActivationCache
{
    const string PositiveName = "positive", NegativeName = "negative", DataHashKey = "data_sha256";

    public string Folder { get; }

    public ActivationCache(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(Folder);
    }

    public string PathOf(ActivationCacheKey key) => Path.Combine(Folder, key.FileName);

    /// <summary>The cached activations for <paramref name="key"/>, or those <paramref name="compute"/> returns (which
    /// are then stored). <paramref name="compute"/> must return activations read at the key's hook and position.</summary>
    public ActivationCacheLookup GetOrCompute(ActivationCacheKey key, Func<ContrastiveActivations> compute)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(compute);
        if (TryLoad(key, out var cached, out string? reason)) return new ActivationCacheLookup(cached, true, null);
        var computed = compute();
        if (computed.Hook != key.Hook || computed.Position != key.Position)
        {
            computed.Dispose();
            throw new InvalidOperationException($"computed activations are for {computed.Hook} / {computed.Position}, the key for {key.Hook} / {key.Position}");
        }
        Store(key, computed);
        return new ActivationCacheLookup(computed, false, reason);
    }

    /// <summary>Loads and verifies the file for <paramref name="key"/>; false with the reason when it is absent or
    /// cannot be trusted.</summary>
    public bool TryLoad(ActivationCacheKey key, out ContrastiveActivations activations, out string? reason)
    {
        activations = null!;
        string path = PathOf(key);
        if (!File.Exists(path)) { reason = "not cached"; return false; }
        try
        {
            using var file = SafetensorsFile.Open(path);
            reason = CheckMetadata(file, key) ?? CheckShapes(file);
            if (reason is not null) return false;
            var positive = file.Load(PositiveName).clone(); // copies out of the mapping, which closes with the file
            var negative = file.Load(NegativeName).clone();
            if (DataHash(positive, negative) != file.Metadata[DataHashKey])
            {
                positive.Dispose();
                negative.Dispose();
                reason = "the tensor data does not match its checksum (corrupt file)";
                return false;
            }
            activations = new ContrastiveActivations(positive, negative, key.Hook, key.Position);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException) // whatever is wrong with the file, recomputing is safe
        {
            reason = $"unreadable cache file ({e.Message})";
            return false;
        }
    }

    public void Store(ActivationCacheKey key, ContrastiveActivations activations)
    {
        using var positive = activations.Positive.to(ScalarType.Float32).cpu().contiguous();
        using var negative = activations.Negative.to(ScalarType.Float32).cpu().contiguous();
        var metadata = new Dictionary<string, string>(key.Metadata)
        {
            ["positive_count"] = positive.shape[0].ToString(CultureInfo.InvariantCulture),
            ["negative_count"] = negative.shape[0].ToString(CultureInfo.InvariantCulture),
            ["d_model"] = positive.shape[1].ToString(CultureInfo.InvariantCulture),
            [DataHashKey] = DataHash(positive, negative),
        };
        string path = PathOf(key);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            SafetensorsWriter.Write(temporary, [new(PositiveName, positive), new(NegativeName, negative)], metadata);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    static string? CheckMetadata(SafetensorsFile file, ActivationCacheKey key)
    {
        foreach (var (name, expected) in key.Metadata)
        {
            if (!file.Metadata.TryGetValue(name, out string? stored)) return $"cache file has no '{name}' in its metadata";
            if (stored != expected) return $"cache file is for {name} '{stored}', not '{expected}'";
        }
        return file.Metadata.ContainsKey(DataHashKey) ? null : "cache file has no checksum";
    }

    static string? CheckShapes(SafetensorsFile file)
    {
        if (!file.Contains(PositiveName) || !file.Contains(NegativeName)) return "cache file lacks the positive or negative tensor";
        var positive = file.Tensors[PositiveName];
        var negative = file.Tensors[NegativeName];
        if (positive.DType.ToScalarType() != ScalarType.Float32 || negative.DType.ToScalarType() != ScalarType.Float32) return "cache tensors are not float32";
        if (positive.Shape.Length != 2 || negative.Shape.Length != 2 || positive.Shape[1] != negative.Shape[1]) return "cache tensors are not [n, d] with one d";
        string Expected(string name) => file.Metadata.TryGetValue(name, out string? value) ? value : "";
        if (Expected("positive_count") != positive.Shape[0].ToString(CultureInfo.InvariantCulture)
            || Expected("negative_count") != negative.Shape[0].ToString(CultureInfo.InvariantCulture)
            || Expected("d_model") != positive.Shape[1].ToString(CultureInfo.InvariantCulture))
            return "cache tensor shapes do not match the counts recorded with them";
        return null;
    }

    static string DataHash(Tensor positive, Tensor negative)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var tensor in new[] { positive, negative })
        {
            using var contiguous = tensor.contiguous();
            hash.AppendData(contiguous.bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
