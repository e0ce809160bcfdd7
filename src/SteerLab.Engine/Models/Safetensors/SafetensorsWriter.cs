using System.Text;
using System.Text.Json;
using TorchSharp;

namespace SteerLab.Engine.Models.Safetensors;

/// <summary>Writes tensors in the safetensors format (8-byte header length, JSON header padded with spaces
/// to 8-byte alignment, tensors in order with no gaps).</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.ToList();
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, tensor) in entries)
        {
            long bytes = tensor.NumberOfElements * tensor.ElementSize;
            header[name] = new
            {
                dtype = SafetensorsDTypes.FromScalarType(tensor.dtype).Name(),
                shape = tensor.shape,
                data_offsets = new[] { offset, offset + bytes },
            };
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padding = (8 - json.Length % 8) % 8;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(BitConverter.GetBytes((ulong)(json.Length + padding)));
        stream.Write(json);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var (_, tensor) in entries)
        {
            using var contiguous = tensor.detach().cpu().contiguous();
            stream.Write(contiguous.bytes);
        }
    }
}
