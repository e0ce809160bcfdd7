using System.Text;
using System.Text.Json;

namespace SteerLab.Engine.Models.Safetensors;

/// <summary>One tensor entry of a safetensors header; offsets are relative to the start of the data section.</summary>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>Parses and validates a safetensors header before anything is allocated from it:
/// 8-byte little-endian header length, strict UTF-8 JSON, known dtypes, non-negative shapes whose
/// byte size (computed without overflow) equals the declared span, spans inside the data section and
/// not overlapping.</summary>
public sealed class SafetensorsHeader
{
    /// <summary>Headers larger than this are refused (the format's own reference reader uses 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;
    const int MaxJsonDepth = 8;

    public required IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; init; }
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    /// <summary>Absolute file offset of the data section (8 + header length).</summary>
    public required long DataOffset { get; init; }

    /// <summary>Reads the header of an open file of the given length.</summary>
    public static SafetensorsHeader Read(Stream stream, long fileLength, string path)
    {
        if (fileLength < 8)
            throw new SafetensorsFormatException(path, $"truncated file: {fileLength} bytes, but the header length alone needs 8");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw new SafetensorsFormatException(path, $"declared header length {headerLength} bytes exceeds the {MaxHeaderBytes}-byte limit");
        if (8 + (long)headerLength > fileLength)
            throw new SafetensorsFormatException(path, $"declared header length {headerLength} bytes runs past the end of the file ({fileLength} bytes)");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        return Parse(json, fileLength - 8 - (long)headerLength, 8 + (long)headerLength, path);
    }

    public static SafetensorsHeader Parse(byte[] json, long dataLength, long dataOffset, string path)
    {
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(json); }
        catch (DecoderFallbackException e) { throw new SafetensorsFormatException(path, $"header is not valid UTF-8 (byte {e.Index})"); }

        JsonDocument document;
        try { document = JsonDocument.Parse(text.TrimEnd(' '), new JsonDocumentOptions { MaxDepth = MaxJsonDepth }); }
        catch (JsonException e) { throw new SafetensorsFormatException(path, $"header is not valid JSON: {e.Message}"); }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, "header JSON must be an object");
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") { ReadMetadata(property.Value, metadata, path); continue; }
                if (tensors.ContainsKey(property.Name))
                    throw new SafetensorsFormatException(path, $"tensor '{property.Name}' is declared twice");
                tensors[property.Name] = ReadTensor(property.Name, property.Value, dataLength, path);
            }
            CheckNoOverlap(tensors.Values, path);
            return new SafetensorsHeader { Tensors = tensors, Metadata = metadata, DataOffset = dataOffset };
        }
    }

    static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, "__metadata__ must be an object of strings");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(path, $"__metadata__.{entry.Name} must be a string");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    static SafetensorsTensorInfo ReadTensor(string name, JsonElement element, long dataLength, string path)
    {
        string where = $"tensor '{name}'";
        if (element.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, $"{where}: entry must be an object with dtype, shape and data_offsets");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new SafetensorsFormatException(path, $"{where}: missing string 'dtype'");
        if (!SafetensorsDTypes.TryParse(dtypeElement.GetString()!, out var dtype))
            throw new SafetensorsFormatException(path, $"{where}: unknown dtype '{dtypeElement.GetString()}'");
        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException(path, $"{where}: missing array 'shape'");
        if (shapeElement.GetArrayLength() > 8)
            throw new SafetensorsFormatException(path, $"{where}: {shapeElement.GetArrayLength()} dimensions (at most 8 supported)");
        var shape = new long[shapeElement.GetArrayLength()];
        long elements = 1;
        int d = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long size) || size < 0)
                throw new SafetensorsFormatException(path, $"{where}: shape[{d}] must be a non-negative integer");
            shape[d++] = size;
            if (size != 0 && elements > long.MaxValue / 8 / size)
                throw new SafetensorsFormatException(path, $"{where}: shape [{string.Join(", ", shapeElement.EnumerateArray())}] declares an impossibly large tensor");
            elements *= size;
        }
        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new SafetensorsFormatException(path, $"{where}: 'data_offsets' must be [begin, end]");
        // TryGetInt64 throws on a non-number, so check the kind first: ["0", "4"] is a format error, not a crash.
        if (offsets[0].ValueKind != JsonValueKind.Number || offsets[1].ValueKind != JsonValueKind.Number
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new SafetensorsFormatException(path, $"{where}: data_offsets must be integers with 0 <= begin <= end");
        if (end > dataLength)
            throw new SafetensorsFormatException(path, $"{where}: data_offsets [{begin}, {end}] lie outside the data section ({dataLength} bytes)");
        if (elements * dtype.ElementSize() != end - begin)
            throw new SafetensorsFormatException(path,
                $"{where}: dtype {dtype.Name()} x shape [{string.Join(", ", shape)}] needs {elements * (long)dtype.ElementSize()} bytes but data_offsets span {end - begin}");
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    static void CheckNoOverlap(IEnumerable<SafetensorsTensorInfo> tensors, string path)
    {
        SafetensorsTensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && tensor.Begin < previous.End)
                throw new SafetensorsFormatException(path,
                    $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}) and '{tensor.Name}' [{tensor.Begin}, {tensor.End}) overlap");
            previous = tensor;
        }
    }
}
