using System.Buffers.Binary;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Tests.Sae;
using static SteerLab.Engine.Tests.Malformed.MalformedBytes;
using static SteerLab.Engine.Tests.Sae.NpyTestFiles;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>.npy arrays (read alone, with the loader's default 64 GB limit so that only validation stands between a
/// lying header and an allocation) and Gemma Scope .npz archives (zip structure, members, and the arrays inside).</summary>
static class NpyCases
{
    static MalformedCase Npy(string description, byte[] bytes, string problem) =>
        new("npy", description, typeof(SaeFormatException), problem,
            folder => { string path = Write(folder, "W_enc.npy", bytes); return (path, path); },
            path => NpyArray.ReadFile(path, SaeLoader.DefaultMaxBytes));

    /// <summary>A Gemma Scope params.npz built from the valid test arrays, changed by <paramref name="corrupt"/> (the
    /// arrays) and then <paramref name="patch"/> (the archive's bytes).</summary>
    static MalformedCase Npz(string description, string problem,
        Action<List<(string Name, byte[] Npy)>>? corrupt = null, Func<byte[], byte[]>? patch = null, byte[]? raw = null) =>
        new("npz", description, typeof(SaeFormatException), problem,
            folder =>
            {
                string path = Path.Combine(folder, "params.npz");
                if (raw is not null) File.WriteAllBytes(path, raw);
                else
                {
                    var arrays = SaeTestFolders.GemmaScopeArrays();
                    corrupt?.Invoke(arrays);
                    WriteNpz(path, arrays);
                    if (patch is not null) File.WriteAllBytes(path, patch(File.ReadAllBytes(path)));
                }
                return (path, path);
            },
            path => SaeLoader.Load(path));

    static void Replace(List<(string Name, byte[] Npy)> arrays, string name, byte[] npy) =>
        arrays[arrays.FindIndex(a => a.Name == name)] = (name, npy);

    /// <summary>Sets the uncompressed size of the first central-directory record (zip APPNOTE 4.3.12, offset 24).</summary>
    static byte[] LieAboutUncompressedSize(byte[] zip)
    {
        int at = zip.AsSpan().IndexOf(new byte[] { 0x50, 0x4B, 0x01, 0x02 });
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at + 24), 0x7FFF_FFF0);
        return zip;
    }

    /// <summary>Sets the end-of-central-directory record's entry counts (offsets 8 and 10) to 65,535.</summary>
    static byte[] LieAboutEntryCount(byte[] zip)
    {
        int at = zip.AsSpan().LastIndexOf(new byte[] { 0x50, 0x4B, 0x05, 0x06 });
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(at + 8), 0xFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(at + 10), 0xFFFF);
        return zip;
    }

    static byte[] Floats(int count) => new byte[count * 4];

    public static IEnumerable<MalformedCase> All() =>
    [
        Npy("shorter than the preamble", [0x93, (byte)'N', (byte)'U'], "too short for a .npy array"),
        Npy("wrong magic (a zip)", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0], "instead of the magic string"),
        Npy("format version 9.0", Raw(Dict("<f4", [2]), Floats(2), major: 9), "version 9.0 is not supported"),
        Npy("v2 header length 4 GB", Raw(Dict("<f4", [2]), Floats(2), major: 2, declaredHeaderLength: unchecked((int)0xFFFF_FFF0)), "runs past the end"),
        Npy("header lying shape (2^20 x 2^20 floats, 24 bytes present)", Raw(Dict("<f4", [1L << 20, 1L << 20]), Floats(6)), "needs 4398046511104 bytes of data but 24 are present"),
        Npy("shape whose product overflows int64", Raw(Dict("<f4", [1L << 40, 1L << 40, 1L << 40]), Floats(1)), "declares an impossibly large array"),
        Npy("shape entry beyond int64", Raw("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", Floats(1)), "is too large"),
        Npy("fortran_order True", Raw(Dict("<f4", [2, 2], fortranOrder: true), Floats(4)), "fortran_order True"),
        Npy("unsupported dtype (complex64)", Raw(Dict("<c8", [2]), new byte[16]), "unsupported dtype '<c8'"),
        Npy("object dtype (pickle)", Raw(Dict("|O", [1]), new byte[8]), "unsupported dtype '|O'"),
        Npy("header is Python code", Raw("__import__('os').system('calc')", Floats(1)), "expected '{'"),
        Npy("truncated data", Raw(Dict("<f4", [4]), Floats(2)), "needs 16 bytes of data but 8 are present (truncated"),
        Npz("not a zip", "not a valid .npz (zip) archive", raw: Utf8("this is a text file, not an archive\n")),
        Npz("empty file", "not a valid .npz (zip) archive", raw: []),
        Npz("zip missing the threshold member", "missing array 'threshold'", corrupt: arrays => arrays.RemoveAll(a => a.Name == "threshold")),
        Npz("member that is not a .npy", "instead of the magic string", corrupt: arrays => Replace(arrays, "W_enc", Utf8("PK this is not an array at all"))),
        Npz("member with a lying shape", "needs 4398046511104 bytes of data", corrupt: arrays => Replace(arrays, "W_enc", Raw(Dict("<f4", [1L << 20, 1L << 20]), Floats(6)))),
        Npz("member W_dec with the wrong shape", "W_dec has shape [2, 3], expected [3, 2]", corrupt: arrays => Replace(arrays, "W_dec", Float32([2, 3], 1, 0, 0, 1, 1, 1))),
        Npz("zip entry claiming a 2 GB uncompressed size", "more than deflate can produce", patch: LieAboutUncompressedSize),
        Npz("zip end record claiming 65,535 entries", "not a valid .npz (zip) archive", patch: LieAboutEntryCount),
        Npz("NaN in the threshold", "threshold contains 1 non-finite value", corrupt: arrays => Replace(arrays, "threshold", Float32([3], 1, float.NaN, 0.25f))),
    ];
}
