using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>The element types SteerLab reads from .npy files (all are converted to float32).</summary>
public enum NpyElementType { Float16, Float32, Float64, Int32, Int64 }

/// <summary>A validated .npy header: element type and byte order, C-order shape, and where the data starts.</summary>
public sealed record NpyHeader(NpyElementType ElementType, bool BigEndian, long[] Shape, long DataOffset)
{
    public int ItemSize => ElementType switch
    {
        NpyElementType.Float16 => 2,
        NpyElementType.Float32 or NpyElementType.Int32 => 4,
        _ => 8,
    };

    /// <summary>Product of the shape; <see cref="NpyArray.ReadHeader"/> has checked it cannot overflow.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public long DataBytes => ElementCount * ItemSize;
    /// <summary>Bytes of the float32 tensor the data becomes (what loading allocates, besides the stored copy).</summary>
    public long Float32Bytes => ElementCount * sizeof(float);
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    public ScalarType StoredType => ElementType switch
    {
        NpyElementType.Float16 => ScalarType.Float16,
        NpyElementType.Float32 => ScalarType.Float32,
        NpyElementType.Float64 => ScalarType.Float64,
        NpyElementType.Int32 => ScalarType.Int32,
        _ => ScalarType.Int64,
    };
}

/// <summary>Reads one NumPy .npy array (format versions 1.0, 2.0, 3.0; see numpy/lib/format.py) into a float32
/// tensor. Everything is validated before any allocation: the magic string, the version, the header length
/// (at most <see cref="MaxHeaderBytes"/>, inside the data), the header dict, the shape product (no overflow)
/// × item size against the bytes actually present, and a caller-given size limit. Big-endian data is
/// byte-swapped; Fortran-ordered arrays are refused. Errors are <see cref="SaeFormatException"/>s naming the
/// source (the file, or the npz entry) and the problem.</summary>
public static class NpyArray
{
    /// <summary>NumPy's own reader refuses headers over 10,000 bytes by default (max_header_size); a header for
    /// the dtypes we accept is under 200 bytes.</summary>
    public const int MaxHeaderBytes = 10_000;
    const int PreambleBytes = 8; // magic (6) + major + minor
    const int CopyChunkBytes = 1 << 20;

    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file into a float32 tensor; <paramref name="maxBytes"/> bounds what is allocated.</summary>
    public static Tensor ReadFile(string path, long maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var header = ReadHeader(stream, stream.Length, path);
        return ReadData(stream, header, path, maxBytes);
    }

    /// <summary>Reads and validates the header from a stream positioned at the start of a .npy whose total
    /// length is <paramref name="length"/> bytes; leaves the stream at the start of the data.</summary>
    public static NpyHeader ReadHeader(Stream stream, long length, string source)
    {
        if (length < PreambleBytes + 2)
            throw new SaeFormatException(source, $"{length} bytes is too short for a .npy array (the preamble alone is {PreambleBytes + 2} bytes)");
        Span<byte> preamble = stackalloc byte[PreambleBytes];
        ReadExactly(stream, preamble, source, "the .npy preamble");
        if (!preamble[..6].SequenceEqual(Magic))
            throw new SaeFormatException(source, $"not a .npy array: it starts with {Convert.ToHexString(preamble[..6])} instead of the magic string \\x93NUMPY");
        byte major = preamble[6], minor = preamble[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw new SaeFormatException(source, $".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)");

        // Version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4 (little-endian).
        int lengthFieldBytes = major == 1 ? 2 : 4;
        Span<byte> lengthField = stackalloc byte[lengthFieldBytes];
        ReadExactly(stream, lengthField, source, "the .npy header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        long dataOffset = PreambleBytes + lengthFieldBytes + headerLength;
        if (dataOffset > length)
            throw new SaeFormatException(source, $".npy header length {headerLength} runs past the end of the array data ({length} bytes in all)");
        if (headerLength > MaxHeaderBytes)
            throw new SaeFormatException(source, $".npy header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, source, "the .npy header");
        var fields = NpyHeaderParser.Parse(DecodeHeader(headerBytes, major, source), source);
        var (type, bigEndian) = ParseDescr(fields.Descr, source);
        if (fields.FortranOrder)
            throw new SaeFormatException(source, $"fortran_order True (column-major) arrays are not supported; re-save with np.save(path, np.ascontiguousarray(a))");
        var header = new NpyHeader(type, bigEndian, fields.Shape, dataOffset);

        long elements = 1;
        foreach (long dim in header.Shape)
        {
            if (dim != 0 && elements > long.MaxValue / 8 / dim)
                throw new SaeFormatException(source, $"shape {header.ShapeText} declares an impossibly large array");
            elements *= dim;
        }
        long available = length - dataOffset;
        if (available != header.DataBytes)
            throw new SaeFormatException(source,
                $"dtype '{fields.Descr}' x shape {header.ShapeText} needs {header.DataBytes} bytes of data but {available} are present" +
                (available < header.DataBytes ? " (truncated, or the shape is wrong)" : " (the shape is wrong)"));
        return header;
    }

    /// <summary>Reads the data that follows <paramref name="header"/> into a float32 tensor [shape]. Refuses
    /// arrays whose stored or float32 size exceeds <paramref name="maxBytes"/> before allocating; fails if the
    /// stream ends early or holds more than the header declares.</summary>
    public static Tensor ReadData(Stream stream, NpyHeader header, string source, long maxBytes)
    {
        long needed = Math.Max(header.DataBytes, header.Float32Bytes);
        if (needed > maxBytes)
            throw new SaeFormatException(source, $"array of shape {header.ShapeText} needs {needed} bytes, over the {maxBytes}-byte limit");

        var stored = torch.empty(header.Shape, dtype: header.StoredType);
        try
        {
            Fill(stored, stream, header, source);
            if (stream.ReadByte() != -1)
                throw new SaeFormatException(source, $"more data follows the {header.DataBytes} bytes that dtype x shape {header.ShapeText} declare");
            if (header.StoredType == ScalarType.Float32) return stored;
            var converted = stored.to(ScalarType.Float32);
            stored.Dispose();
            return converted;
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    static string DecodeHeader(byte[] bytes, byte major, string source)
    {
        // Versions 1.0 and 2.0 are latin-1 (in practice ASCII); 3.0 is UTF-8.
        if (major < 3) return Encoding.Latin1.GetString(bytes);
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException e) { throw new SaeFormatException(source, $".npy 3.0 header is not valid UTF-8 (byte {e.Index})"); }
    }

    static (NpyElementType Type, bool BigEndian) ParseDescr(string descr, string source)
    {
        NpyElementType? type = descr.Length == 3 ? descr[1..] switch
        {
            "f2" => NpyElementType.Float16,
            "f4" => NpyElementType.Float32,
            "f8" => NpyElementType.Float64,
            "i4" => NpyElementType.Int32,
            "i8" => NpyElementType.Int64,
            _ => null,
        } : null;
        if (type is null || descr[0] is not ('<' or '>'))
            throw new SaeFormatException(source,
                $"unsupported dtype '{descr}' (supported: float16/32/64 and int32/64 with explicit byte order, e.g. '<f4' or '>f4')");
        return (type.Value, descr[0] == '>');
    }

    static unsafe void Fill(Tensor tensor, Stream stream, NpyHeader header, string source)
    {
        long total = header.DataBytes;
        if (total == 0) return;
        byte* data = (byte*)THSTensor_data(tensor.Handle);
        if (data == null) throw new InvalidOperationException("libtorch returned no data pointer for a freshly allocated tensor");
        for (long done = 0; done < total;)
        {
            int chunk = (int)Math.Min(CopyChunkBytes, total - done);
            var span = new Span<byte>(data + done, chunk);
            int read = stream.ReadAtLeast(span, chunk, throwOnEndOfStream: false);
            if (read < chunk)
                throw new SaeFormatException(source, $"array data ends after {done + read} of the {total} bytes that dtype x shape {header.ShapeText} declare");
            if (header.BigEndian) SwapToLittleEndian(span, header.ItemSize);
            done += chunk;
        }
    }

    // Chunks are multiples of every item size (2, 4, 8), so no element straddles two chunks.
    static void SwapToLittleEndian(Span<byte> bytes, int itemSize)
    {
        switch (itemSize)
        {
            case 2: var u16 = MemoryMarshal.Cast<byte, ushort>(bytes); BinaryPrimitives.ReverseEndianness(u16, u16); break;
            case 4: var u32 = MemoryMarshal.Cast<byte, uint>(bytes); BinaryPrimitives.ReverseEndianness(u32, u32); break;
            default: var u64 = MemoryMarshal.Cast<byte, ulong>(bytes); BinaryPrimitives.ReverseEndianness(u64, u64); break;
        }
    }

    static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new SaeFormatException(source, $"the data ends inside {what}");
    }

    // TorchSharp exposes no data pointer for tensors over 2 GB (its byte span is int-sized); libtorch's C
    // entry point returns it directly. The tensor is freshly allocated and contiguous.
    [DllImport("LibTorchSharp")]
    static extern IntPtr THSTensor_data(IntPtr handle);
}
