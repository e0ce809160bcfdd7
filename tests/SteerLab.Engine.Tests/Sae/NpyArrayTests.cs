using System.IO.Compression;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Tests.Support;
using static SteerLab.Engine.Tests.Sae.NpyTestFiles;

namespace SteerLab.Engine.Tests.Sae;

/// <summary>The .npy / .npz reader: every dtype and format version NumPy writes for SAE weights becomes the
/// same float32 tensor, and every malformed file is refused with a message naming the file (or the npz entry)
/// and the problem, without allocating what the file claims.</summary>
public sealed class NpyArrayTests : IDisposable
{
    const long Limit = 1 << 20;
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-npy-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static readonly float[] Fractions = [1, -2, 0.5f, 3, 0, -0.25f];
    static readonly float[] Integers = [1, -2, 4, 3, 0, -7];

    public static TheoryData<string, byte[], float[]> SupportedEncodings() => new()
    {
        { "<f4", Float32([2, 3], Fractions), Fractions },
        { ">f4 (byte-swapped)", Float32BigEndian([2, 3], Fractions), Fractions },
        { "<f2", Float16([2, 3], Fractions), Fractions },
        { "<f8", Float64([2, 3], [.. Fractions.Select(v => (double)v)]), Fractions },
        { "<i4", Int32([2, 3], [.. Integers.Select(v => (int)v)]), Integers },
        { "<i8", Int64([2, 3], [.. Integers.Select(v => (long)v)]), Integers },
        { ">f2", ToBigEndian("<f2", [2, 3], [.. Fractions.SelectMany(v => BitConverter.GetBytes((Half)v))]), Fractions },
        { ">f8", ToBigEndian("<f8", [2, 3], [.. Fractions.SelectMany(v => BitConverter.GetBytes((double)v))]), Fractions },
        { ">i8", ToBigEndian("<i8", [2, 3], [.. Integers.SelectMany(v => BitConverter.GetBytes((long)v))]), Integers },
        { "version 2.0", Raw(Dict("<f4", [2, 3]), Float32Data(Fractions), major: 2), Fractions },
        { "version 3.0", Raw(Dict("<f4", [2, 3]), Float32Data(Fractions), major: 3), Fractions },
        { "double quotes, keys reordered, no trailing comma",
            Raw("{\"shape\": (2, 3), \"descr\": \"<f4\", \"fortran_order\": False}", Float32Data(Fractions)), Fractions },
        { "Python 2 long integers", Raw("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", Float32Data(Fractions)), Fractions },
    };

    static byte[] Float32Data(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    static byte[] WithByte(byte[] bytes, int index, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }

    [Theory]
    [MemberData(nameof(SupportedEncodings))]
    public void Npy_ReadsEverySupportedEncodingAsFloat32(string encoding, byte[] bytes, float[] expected)
    {
        using var tensor = NpyArray.ReadFile(Write("a.npy", bytes), Limit);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, tensor.dtype);
        Assert.Equal([2L, 3L], tensor.shape);
        TensorAssert.Close(expected, tensor, 0, encoding);
    }

    [Fact]
    public void Npy_ReadsVectorsScalarsAndEmptyArrays()
    {
        using var vector = NpyArray.ReadFile(Write("v.npy", Float32([3], 1, 2, 3)), Limit);
        Assert.Equal([3L], vector.shape);
        using var scalar = NpyArray.ReadFile(Write("s.npy", Float32([], 7)), Limit);
        Assert.Empty(scalar.shape);
        Assert.Equal(7f, scalar.item<float>());
        using var empty = NpyArray.ReadFile(Write("e.npy", Float32([0, 4])), Limit);
        Assert.Equal([0L, 4L], empty.shape);
    }

    /// <summary>Malformed .npy files: the bytes, and the words the error must contain.</summary>
    public static TheoryData<string, byte[], string> MalformedNpy() => new()
    {
        { "bad magic", WithByte(Float32([1], 1), 5, (byte)'Z'), "magic string" },
        { "zip file given as npy", [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0], "magic string" },
        { "too short", [0x93, (byte)'N'], "too short" },
        { "unknown version", Raw(Dict("<f4", [1]), Float32Data(1), major: 4), "version 4.0" },
        { "truncated data", Float32([2, 3], 1, 2, 3, 4, 5, 6)[..^4], "20 are present (truncated" },
        { "lying shape (claims more)", Raw(Dict("<f4", [3, 3]), Float32Data(1, 2, 3, 4)), "needs 36 bytes of data but 16 are present" },
        { "lying shape (claims less)", Raw(Dict("<f4", [1]), Float32Data(1, 2, 3, 4)), "the shape is wrong" },
        { "unsupported dtype complex", Raw(Dict("<c8", [1]), new byte[8]), "unsupported dtype '<c8'" },
        { "unsupported dtype object", Raw(Dict("|O", [1]), new byte[8]), "unsupported dtype '|O'" },
        { "unsupported dtype bfloat16 as void", Raw(Dict("|V2", [1]), new byte[2]), "unsupported dtype '|V2'" },
        { "native byte order", Raw(Dict("=f4", [1]), new byte[4]), "unsupported dtype '=f4'" },
        { "structured dtype", Raw("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]), "structured dtypes" },
        { "fortran order", Raw(Dict("<f4", [2, 2], fortranOrder: true), Float32Data(1, 2, 3, 4)), "fortran_order True" },
        { "huge shape (no allocation)", Raw(Dict("<f4", [100_000, 100_000, 100_000]), Float32Data(1)), "needs 4000000000000000 bytes of data but 4 are present" },
        { "overflowing shape", Raw(Dict("<f8", [1L << 40, 1L << 40]), Float32Data(1)), "impossibly large" },
        { "shape entry too large", Raw("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", Float32Data(1)), "too large" },
        { "negative shape", Raw("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", Float32Data(1)), "non-negative integers" },
        { "header length past end", Raw(Dict("<f4", [1]), Float32Data(1), declaredHeaderLength: 60_000), "runs past the end" },
        { "header length over the limit", Raw(Dict("<f4", [1]), new byte[70_000], declaredHeaderLength: 60_000), "exceeds the 10000-byte limit" },
        { "missing key", Raw("{'descr': '<f4', 'shape': (1,), }", Float32Data(1)), "no 'fortran_order'" },
        { "extra key", Raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }", Float32Data(1)), "unexpected key 'x'" },
        { "duplicate key", Raw("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Float32Data(1)), "appears twice" },
        { "code instead of a dict", Raw("__import__('os').system('true')", Float32Data(1)), "expected '{'" },
        { "text after the dict", Raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", Float32Data(1)), "unexpected text after" },
        { "unterminated header", Raw("{'descr': '<f4'", Float32Data(1)), "the header ended" },
        { "escape in a string", Raw("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,), }", Float32Data(1)), "escape sequences" },
    };

    [Theory]
    [MemberData(nameof(MalformedNpy))]
    public void Npy_RejectsMalformedFiles_NamingFileAndProblem(string name, byte[] bytes, string problem)
    {
        string path = Write("bad.npy", bytes);
        var error = Assert.Throws<SaeFormatException>(() => NpyArray.ReadFile(path, Limit));
        Assert.Equal(path, error.SourcePath);
        Assert.Contains(path, error.Message);
        Assert.True(error.Message.Contains(problem), $"{name}: '{error.Message}' does not mention '{problem}'");
    }

    [Fact]
    public void Npy_RefusesArraysOverTheSizeLimitBeforeAllocating()
    {
        string path = Write("big.npy", Float32([4, 4], new float[16]));
        var error = Assert.Throws<SaeFormatException>(() => NpyArray.ReadFile(path, 63));
        Assert.Contains("over the 63-byte limit", error.Message);
        using var fits = NpyArray.ReadFile(path, 64);
        Assert.Equal([4L, 4L], fits.shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Npz_ReadsStoredAndDeflatedEntries(bool compressed)
    {
        string path = Path.Combine(folder, "a.npz");
        WriteNpz(path, [("x", Float32([2], 1.5f, -2)), ("y", Float64([1], 3))], compressed);
        using var archive = NpzArchive.Open(path, Limit);
        Assert.Equal(["x", "y"], archive.Names.Order());
        Assert.Equal([2L], archive.ReadHeader("x").Shape);
        using var x = archive.ReadFloat32("x");
        using var y = archive.ReadFloat32("y");
        TensorAssert.Close([1.5f, -2], x, 0, "x");
        TensorAssert.Close([3], y, 0, "y");
    }

    [Fact]
    public void Npz_ErrorsNameTheArchiveAndTheEntry()
    {
        string path = Path.Combine(folder, "a.npz");
        WriteNpz(path, [("good", Float32([1], 1)), ("bad", Raw(Dict("<f4", [3]), Float32Data(1)))], compressed: true);
        using var archive = NpzArchive.Open(path, Limit);
        var error = Assert.Throws<SaeFormatException>(() => archive.ReadFloat32("bad"));
        Assert.Contains($"{path} (entry bad.npy)", error.Message);
        Assert.Contains("needs 12 bytes of data but 4 are present", error.Message);
        var missing = Assert.Throws<SaeFormatException>(() => archive.ReadFloat32("W_enc"));
        Assert.Contains("no array 'W_enc'", missing.Message);
        Assert.Contains("good", missing.Message);
    }

    [Fact]
    public void Npz_CountsTheSizeLimitAcrossEntries()
    {
        string path = Path.Combine(folder, "a.npz");
        WriteNpz(path, [("a", Float32([8], new float[8])), ("b", Float32([8], new float[8]))]);
        using var archive = NpzArchive.Open(path, 48);   // 32 bytes each: the first fits, the second does not
        archive.ReadFloat32("a").Dispose();
        var error = Assert.Throws<SaeFormatException>(() => archive.ReadFloat32("b"));
        Assert.Contains("exceeds the 48-byte limit", error.Message);
    }

    [Fact]
    public void Npz_RefusesAnEntryDeclaringMoreThanDeflateCanProduce()
    {
        // A small deflated entry whose local and central headers claim a 4 GB uncompressed size.
        string path = Path.Combine(folder, "bomb.npz");
        WriteNpz(path, [("x", Float32([4], 1, 2, 3, 4))], compressed: true);
        byte[] bytes = File.ReadAllBytes(path);
        PatchUncompressedSizes(bytes, 0xF000_0000u);
        File.WriteAllBytes(path, bytes);
        using var archive = NpzArchive.Open(path, long.MaxValue);
        var error = Assert.Throws<SaeFormatException>(() => archive.ReadFloat32("x"));
        Assert.Contains("(entry x.npy)", error.Message);
        Assert.Contains("more than deflate can produce", error.Message);
    }

    [Fact]
    public void Npz_CorruptDeflateData_IsRefusedNamingTheEntry()
    {
        string path = Path.Combine(folder, "corrupt.npz");
        WriteNpz(path, [("x", Float32([4], 1, 2, 3, 4))], compressed: true);
        byte[] bytes = File.ReadAllBytes(path);
        int dataStart = 30 + BitConverter.ToUInt16(bytes, 26) + BitConverter.ToUInt16(bytes, 28);
        bytes[dataStart] = 0xFF;   // final block with the reserved block type 3
        File.WriteAllBytes(path, bytes);
        using var archive = NpzArchive.Open(path, Limit);
        var error = Assert.Throws<SaeFormatException>(() => archive.ReadFloat32("x"));
        Assert.Contains($"{path} (entry x.npy)", error.Message);
    }

    [Fact]
    public void Npz_NeverReadsPastTheSizeTheEntryDeclares()
    {
        // The .npy header says 3 floats and the zip entry claims header + 12 bytes, though 16 bytes were
        // deflated: the archive's own sizes agree, so exactly the 3 declared floats are read (ZipArchive stops
        // inflating at the declared size), never a fourth.
        string path = Path.Combine(folder, "longer.npz");
        byte[] npy = Raw(Dict("<f4", [3]), Float32Data(1, 2, 3, 4));
        WriteNpz(path, [("x", npy)], compressed: true);
        byte[] bytes = File.ReadAllBytes(path);
        PatchUncompressedSizes(bytes, (uint)npy.Length - 4);
        File.WriteAllBytes(path, bytes);
        using var archive = NpzArchive.Open(path, Limit);
        using var x = archive.ReadFloat32("x");
        TensorAssert.Close([1, 2, 3], x, 0, "x");
    }

    [Fact]
    public void Npz_RefusesFilesThatAreNotZipArchives()
    {
        string path = Write("params.npz", Float32([1], 1));
        var error = Assert.Throws<SaeFormatException>(() => NpzArchive.Open(path, Limit).Dispose());
        Assert.Contains(path, error.Message);
        Assert.Contains("not a valid .npz (zip) archive", error.Message);
    }

    /// <summary>Rewrites the uncompressed-size fields of every local (PK\3\4) and central (PK\1\2) header.</summary>
    static void PatchUncompressedSizes(byte[] zip, uint size)
    {
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            if (zip[i] != 'P' || zip[i + 1] != 'K') continue;
            if (zip[i + 2] == 3 && zip[i + 3] == 4) BitConverter.GetBytes(size).CopyTo(zip, i + 22);
            else if (zip[i + 2] == 1 && zip[i + 3] == 2) BitConverter.GetBytes(size).CopyTo(zip, i + 24);
        }
    }
}
