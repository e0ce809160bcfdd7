using System.Text.Json;
using SteerLab.Engine.Models.Safetensors;
using TorchSharp;

namespace SteerLab.Engine.Models;

/// <summary>The weights of a Hugging Face model directory: <c>model.safetensors</c>, or the shards listed in
/// <c>model.safetensors.index.json</c>. Every shard's header is validated when the checkpoint is opened.</summary>
public sealed class CheckpointWeights : IDisposable
{
    readonly Dictionary<string, SafetensorsFile> fileByTensor = new(StringComparer.Ordinal);
    readonly List<SafetensorsFile> files = [];

    public string Directory { get; }

    CheckpointWeights(string directory) => Directory = directory;

    public static CheckpointWeights Open(string directory)
    {
        var weights = new CheckpointWeights(directory);
        try
        {
            string single = Path.Combine(directory, "model.safetensors");
            string index = Path.Combine(directory, "model.safetensors.index.json");
            if (File.Exists(single)) weights.Add(SafetensorsFile.Open(single));
            else if (File.Exists(index)) weights.OpenShards(index);
            else throw new ModelConfigException($"{directory}: no model.safetensors or model.safetensors.index.json");
            return weights;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>An index lists one file name per tensor: a 400B-parameter checkpoint's is well under 1 MB.</summary>
    public const long MaxIndexBytes = 16L * 1024 * 1024;

    void OpenShards(string indexPath)
    {
        var info = new FileInfo(indexPath);
        if (info.Length > MaxIndexBytes)
            throw new ModelConfigException($"{indexPath}: {info.Length} bytes is larger than the {MaxIndexBytes} bytes a weight index may have");
        byte[] bytes = File.ReadAllBytes(indexPath);
        // System.Text.Json checks UTF-8 only when a string is read, and then throws InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new ModelConfigException($"{indexPath}: not valid JSON: the file is not valid UTF-8");
        JsonDocument document;
        try { document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new ModelConfigException($"{indexPath}: not valid JSON: {e.Message}"); }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ModelConfigException($"{indexPath}: missing object 'weight_map'");
            var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new ModelConfigException($"{indexPath}: weight_map.{entry.Name} must be a file name, found {entry.Value.GetRawText()}");
                string shard = entry.Value.GetString()!;
                if (shard.Length == 0 || shard != Path.GetFileName(shard))
                    throw new ModelConfigException($"{indexPath}: weight_map.{entry.Name} must name a file in the same folder, found '{shard}'");
                if (!shards.TryGetValue(shard, out var file))
                {
                    string shardPath = Path.Combine(Directory, shard);
                    if (!File.Exists(shardPath))
                        throw new ModelConfigException($"{indexPath}: weight_map puts '{entry.Name}' in {shard}, but {shardPath} does not exist");
                    file = SafetensorsFile.Open(shardPath);
                    shards[shard] = file;
                    files.Add(file);
                }
                if (!file.Contains(entry.Name))
                    throw new ModelConfigException($"{indexPath}: weight_map says '{entry.Name}' is in {shard}, but that shard does not hold it");
                fileByTensor[entry.Name] = file;
            }
        }
    }

    void Add(SafetensorsFile file)
    {
        files.Add(file);
        foreach (var name in file.Tensors.Keys) fileByTensor[name] = file;
    }

    public IEnumerable<string> Names => fileByTensor.Keys;
    public bool Contains(string name) => fileByTensor.ContainsKey(name);
    public SafetensorsTensorInfo Info(string name) => fileByTensor.TryGetValue(name, out var file) ? file.Tensors[name]
        : throw new ModelConfigException($"{Directory}: the checkpoint has no tensor '{name}'");

    /// <summary>Total bytes of tensor data across all files.</summary>
    public long TensorBytes => fileByTensor.Sum(pair => pair.Value.Tensors[pair.Key].ByteLength);

    /// <summary>Loads a tensor, checking its shape; zero-copy when the stored type equals <paramref name="dtype"/>.</summary>
    public torch.Tensor Load(string name, torch.ScalarType dtype, params long[] expectedShape)
    {
        var info = Info(name);
        if (expectedShape.Length > 0 && !info.Shape.SequenceEqual(expectedShape))
            throw new ModelConfigException($"{Directory}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}], config.json implies [{string.Join(", ", expectedShape)}]");
        if (info.DType is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
            throw new ModelConfigException($"{Directory}: tensor '{name}' is {info.DType.Name()}; weights must be F32, F16 or BF16");
        return fileByTensor[name].Load(name, dtype);
    }

    public void Dispose()
    {
        foreach (var file in files) file.Dispose();
        files.Clear();
    }
}
