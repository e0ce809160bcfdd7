using System.Text;
using System.Text.Unicode;

namespace SteerLab.Engine.Steering.Datasets;

/// <summary>The steps every dataset file goes through: size bound, UTF-8 check, split into rows by format,
/// validation against the accepted layouts. Throws one <see cref="DatasetFormatException"/> listing every problem,
/// or returns all pairs: never part of a file.</summary>
internal static class DatasetFileReader
{
    public static List<ContrastivePair> ReadPairs(string path, DatasetFileFormat? format, DatasetLimits? limits, IReadOnlyList<PairSchema> schemas)
    {
        limits ??= DatasetLimits.Default;
        limits.Validate();
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: dataset file not found", path);
        if (info.Length > limits.MaxBytes)
            throw new DatasetFormatException(path, [new DatasetError(null, null, null, $"the file has {info.Length} bytes, more than the limit of {limits.MaxBytes}")]);
        using var stream = info.OpenRead();
        return ReadPairs(stream, path, format ?? FormatOf(path), limits, schemas);
    }

    public static List<ContrastivePair> ReadPairs(Stream stream, string source, DatasetFileFormat format, DatasetLimits? limits, IReadOnlyList<PairSchema> schemas)
    {
        limits ??= DatasetLimits.Default;
        limits.Validate();
        byte[] bytes = ReadBounded(stream, source, limits.MaxBytes);
        var errors = new List<DatasetError>();
        var utf8 = new ReadOnlyMemory<byte>(bytes);
        if (utf8.Span.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        if (!Utf8.IsValid(utf8.Span))
        {
            int valid = ValidPrefixLength(utf8.Span);
            int line = 1 + utf8.Span[..valid].Count((byte)'\n');
            throw new DatasetFormatException(source, [new DatasetError(line, null, null, "the file is not valid UTF-8")]);
        }

        List<RawRow> rows;
        PairSchema? schema = null;
        switch (format)
        {
            case DatasetFileFormat.Json: rows = JsonDatasetRows.FromArray(utf8, limits, errors); break;
            case DatasetFileFormat.JsonLines: rows = JsonDatasetRows.FromLines(utf8, limits, errors); break;
            case DatasetFileFormat.Csv: (rows, schema) = CsvDatasetRows.Read(Encoding.UTF8.GetString(utf8.Span), schemas, limits, errors); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, "unknown dataset format");
        }
        bool readFailed = format == DatasetFileFormat.Csv && schema is null;
        var pairs = readFailed ? [] : PairRowValidator.Validate(rows, schemas, schema, errors);
        if (errors.Count > 0)
            throw new DatasetFormatException(source, errors.OrderBy(e => e.Line ?? 0).ThenBy(e => e.Index ?? 0).ToList());
        return pairs;
    }

    /// <summary>The format a file name says: .json, .jsonl / .ndjson, .csv.</summary>
    public static DatasetFileFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => DatasetFileFormat.Json,
        ".jsonl" or ".ndjson" => DatasetFileFormat.JsonLines,
        ".csv" => DatasetFileFormat.Csv,
        var other => throw new DatasetFormatException(path, [new DatasetError(null, null, null,
            $"unknown extension '{other}': expected .json (an array of objects), .jsonl (one object per line) or .csv")]),
    };

    static byte[] ReadBounded(Stream stream, string source, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new DatasetFormatException(source, [new DatasetError(null, null, null, $"the file has more than the limit of {maxBytes} bytes")]);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Offset of the first byte that does not start a valid UTF-8 sequence.</summary>
    static int ValidPrefixLength(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length && Rune.DecodeFromUtf8(bytes[i..], out _, out int consumed) == System.Buffers.OperationStatus.Done) i += consumed;
        return i;
    }
}
