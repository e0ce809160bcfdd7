using System.IO.Compression;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>A NumPy .npz archive: a zip of .npy arrays (np.savez stores them, np.savez_compressed deflates
/// them), read through <see cref="ZipArchive"/>. Arrays are addressed by name without the ".npy" suffix.
/// The zip's declared sizes are only trusted as far as they agree with the .npy headers: an entry must
/// declare exactly header + dtype × shape bytes, within the size limit and within what deflate could produce
/// from its compressed bytes; memory is allocated from the header's shape, and no more than the declared
/// bytes are ever read. The limit counts every array read from the archive. Errors name the archive and the
/// entry.</summary>
public sealed class NpzArchive : IDisposable
{
    /// <summary>Archives with more entries than this are refused (an SAE has five).</summary>
    public const int MaxEntries = 10_000;
    // Deflate cannot expand more than ~1032:1; anything claiming more is lying about its size.
    const long MaxDeflateRatio = 1032;

    readonly FileStream file;
    readonly ZipArchive zip;
    readonly Dictionary<string, ZipArchiveEntry> entries;
    readonly long maxBytes;
    long bytesAllocated;

    public string Path { get; }
    /// <summary>Array names (entry names without ".npy").</summary>
    public IReadOnlyCollection<string> Names => entries.Keys;

    NpzArchive(string path, FileStream file, ZipArchive zip, Dictionary<string, ZipArchiveEntry> entries, long maxBytes)
    {
        Path = path;
        this.file = file;
        this.zip = zip;
        this.entries = entries;
        this.maxBytes = maxBytes;
    }

    /// <summary>Opens an archive; <paramref name="maxBytes"/> bounds the total memory its arrays may take.</summary>
    public static NpzArchive Open(string path, long maxBytes)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        ZipArchive? zip = null;
        try
        {
            try
            {
                zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
                _ = zip.Entries.Count;   // reads the central directory
            }
            catch (InvalidDataException e) { throw new SaeFormatException(path, $"not a valid .npz (zip) archive: {e.Message}"); }
            if (zip.Entries.Count > MaxEntries)
                throw new SaeFormatException(path, $"archive has {zip.Entries.Count} entries, more than the {MaxEntries} allowed");
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                // Only .npy entries are arrays; directories and stray files are ignored.
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string name = entry.FullName[..^4];
                if (!entries.TryAdd(name, entry))
                    throw new SaeFormatException(path, $"entry '{entry.FullName}' appears twice");
            }
            return new NpzArchive(path, file, zip, entries, maxBytes);
        }
        catch
        {
            zip?.Dispose();
            file.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => entries.ContainsKey(name);

    /// <summary>"archive (entry name.npy)": how errors name an array.</summary>
    public string SourceOf(string name) => $"{Path} (entry {name}.npy)";

    /// <summary>Reads and validates only the header of an array (decompressing a few hundred bytes at most).</summary>
    public NpyHeader ReadHeader(string name) =>
        ReadEntry(name, (stream, length, source) => NpyArray.ReadHeader(stream, length, source));

    /// <summary>Reads an array as a float32 tensor [shape].</summary>
    public Tensor ReadFloat32(string name) => ReadEntry(name, (stream, length, source) =>
    {
        var header = NpyArray.ReadHeader(stream, length, source);
        long needed = Math.Max(header.DataBytes, header.Float32Bytes);
        if (needed > maxBytes - bytesAllocated)
            throw new SaeFormatException(source,
                $"array of shape {header.ShapeText} needs {needed} bytes; with the {bytesAllocated} bytes already read from this archive that exceeds the {maxBytes}-byte limit");
        var tensor = NpyArray.ReadData(stream, header, source, long.MaxValue);
        bytesAllocated += needed;
        return tensor;
    });

    T ReadEntry<T>(string name, Func<Stream, long, string, T> read)
    {
        var entry = entries.TryGetValue(name, out var found) ? found
            : throw new SaeFormatException(Path, $"no array '{name}' in the archive (it holds: {string.Join(", ", entries.Keys.Order())})");
        string source = SourceOf(name);
        if (entry.Length - NpyArray.MaxHeaderBytes - 64 > maxBytes)
            throw new SaeFormatException(source, $"entry declares {entry.Length} uncompressed bytes, over the {maxBytes}-byte limit");
        if (entry.Length > entry.CompressedLength * MaxDeflateRatio + 1024)
            throw new SaeFormatException(source,
                $"entry declares {entry.Length} uncompressed bytes from {entry.CompressedLength} compressed bytes, more than deflate can produce");
        // Corrupt or encrypted entries surface as InvalidDataException (on open, while inflating, or as a CRC
        // mismatch at the end) or NotSupportedException (unknown compression method).
        try
        {
            using var stream = entry.Open();
            return read(stream, entry.Length, source);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new SaeFormatException(source, $"corrupt or unsupported zip entry: {e.Message}");
        }
    }

    public void Dispose()
    {
        zip.Dispose();
        file.Dispose();
    }
}
