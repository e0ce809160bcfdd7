using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SteerLab.Engine.Tests.Sae;

/// <summary>Writes .npy and .npz bytes by hand, the way numpy/lib/format.py lays them out, so the readers are
/// tested against the format rather than against our own writer.</summary>
static class NpyTestFiles
{
    /// <summary>A .npy with the given header dict text and raw data; the header is padded with spaces and a
    /// newline so that the data starts at a multiple of 64 bytes, as NumPy does.</summary>
    public static byte[] Raw(string headerDict, byte[] data, int major = 1, int? declaredHeaderLength = null)
    {
        int lengthBytes = major == 1 ? 2 : 4;
        int preamble = 8 + lengthBytes;
        int unpadded = preamble + Encoding.ASCII.GetByteCount(headerDict) + 1;
        string header = headerDict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add((byte)major);
        bytes.Add(0);
        int length = declaredHeaderLength ?? header.Length;
        if (major == 1) bytes.AddRange(BitConverter.GetBytes((ushort)length));
        else bytes.AddRange(BitConverter.GetBytes((uint)length));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static string Dict(string descr, long[] shape, bool fortranOrder = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {Tuple(shape)}, }}";

    static string Tuple(long[] shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => $"({string.Join(", ", shape)})",
    };

    /// <summary>A little-endian float32 array.</summary>
    public static byte[] Float32(long[] shape, params float[] values) =>
        Raw(Dict("<f4", shape), values.SelectMany(v => BitConverter.GetBytes(v)).ToArray());

    public static byte[] Float32BigEndian(long[] shape, params float[] values) =>
        Raw(Dict(">f4", shape), values.SelectMany(v =>
        {
            var b = new byte[4];
            BinaryPrimitives.WriteSingleBigEndian(b, v);
            return b;
        }).ToArray());

    /// <summary>The same array with every element's bytes reversed and the descr's byte order flipped to '>'.</summary>
    public static byte[] ToBigEndian(string littleDescr, long[] shape, byte[] littleEndianData)
    {
        int size = littleDescr[2] - '0';
        var data = (byte[])littleEndianData.Clone();
        for (int i = 0; i < data.Length; i += size) Array.Reverse(data, i, size);
        return Raw(Dict(">" + littleDescr[1..], shape), data);
    }

    public static byte[] Float16(long[] shape, params float[] values) =>
        Raw(Dict("<f2", shape), values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray());

    public static byte[] Float64(long[] shape, params double[] values) =>
        Raw(Dict("<f8", shape), values.SelectMany(BitConverter.GetBytes).ToArray());

    public static byte[] Int32(long[] shape, params int[] values) =>
        Raw(Dict("<i4", shape), values.SelectMany(BitConverter.GetBytes).ToArray());

    public static byte[] Int64(long[] shape, params long[] values) =>
        Raw(Dict("<i8", shape), values.SelectMany(BitConverter.GetBytes).ToArray());

    /// <summary>Writes an .npz: each entry "name.npy", stored (np.savez) or deflated (np.savez_compressed).</summary>
    public static void WriteNpz(string path, IEnumerable<(string Name, byte[] Npy)> arrays, bool compressed = false)
    {
        using var file = new FileStream(path, FileMode.Create);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, npy) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var stream = entry.Open();
            stream.Write(npy);
        }
    }
}
