using System.IO.MemoryMappedFiles;
using TorchSharp;

namespace SteerLab.Engine.Models.Safetensors;

/// <summary>A memory-mapped safetensors file. The header is validated (<see cref="SafetensorsHeader"/>) before
/// anything is mapped or allocated. Tensors whose stored type is the requested type are zero-copy views of
/// the mapping (copy-on-write pages: the file is never modified); others are converted into new memory.
/// Dispose only after every view tensor has been disposed.</summary>
public sealed class SafetensorsFile : IDisposable
{
    readonly MemoryMappedFile map;
    readonly MemoryMappedViewAccessor view;
    readonly unsafe byte* basePointer;

    public string Path { get; }
    public SafetensorsHeader Header { get; }
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors => Header.Tensors;
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    unsafe SafetensorsFile(string path, SafetensorsHeader header, MemoryMappedFile map, MemoryMappedViewAccessor view)
    {
        Path = path;
        Header = header;
        this.map = map;
        this.view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        basePointer = pointer + view.PointerOffset;
    }

    public static SafetensorsFile Open(string path)
    {
        SafetensorsHeader header;
        long length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            length = stream.Length;
            header = SafetensorsHeader.Read(stream, length, path);
        }
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.CopyOnWrite);
        try
        {
            var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.CopyOnWrite);
            return new SafetensorsFile(path, header, map, view);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => Header.Tensors.ContainsKey(name);

    /// <summary>Loads a tensor as <paramref name="dtype"/> (default: as stored). Zero-copy when no conversion is needed.</summary>
    public unsafe torch.Tensor Load(string name, torch.ScalarType? dtype = null)
    {
        if (!Header.Tensors.TryGetValue(name, out var info))
            throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        var stored = info.DType.ToScalarType();
        var target = dtype ?? stored;
        IntPtr data = (IntPtr)(basePointer + Header.DataOffset + info.Begin);
        bool aligned = data % info.DType.ElementSize() == 0;
        if (target == stored && aligned)
            return MappedTensorFactory.View(data, info.Shape, stored);
        // A conversion (or a misaligned span) needs new memory anyway: copy from the mapping, then let the kernel drop
        // the mapped pages so a converted checkpoint is not held twice (file pages + converted copy).
        torch.Tensor converted;
        using (var source = aligned ? MappedTensorFactory.View(data, info.Shape, stored) : CopyUnaligned(info, data))
            converted = source.to(target);
        MappedPages.Release(data, info.ByteLength);
        return converted;
    }

    unsafe torch.Tensor CopyUnaligned(SafetensorsTensorInfo info, IntPtr data)
    {
        var tensor = torch.empty(info.Shape, info.DType.ToScalarType());
        new ReadOnlySpan<byte>((void*)data, checked((int)info.ByteLength)).CopyTo(tensor.bytes);
        return tensor;
    }

    public unsafe void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }
}
