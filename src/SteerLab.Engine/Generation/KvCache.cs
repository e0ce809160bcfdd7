using static TorchSharp.torch;

namespace SteerLab.Engine.Generation;

/// <summary>Keys and values of every layer for the tokens seen so far, in float32
/// [batch, kv_heads, capacity, head_dim] buffers that grow by doubling, so each decode step writes one
/// column instead of concatenating the whole history.</summary>
public sealed class KvCache : IDisposable
{
    readonly Tensor?[] keys, values;
    readonly int initialCapacity;

    /// <summary>Columns already stored (including left padding).</summary>
    public long Length { get; private set; }

    public KvCache(int layerCount, int initialCapacity = 256)
    {
        keys = new Tensor?[layerCount];
        values = new Tensor?[layerCount];
        this.initialCapacity = initialCapacity;
    }

    /// <summary>Stores this chunk's keys/values for <paramref name="layer"/> after the cached columns and returns
    /// views of all columns so far. Call for every layer, then <see cref="Advance"/> once.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        long t = k.shape[2], needed = Length + t;
        keys[layer] = Ensure(keys[layer], k, needed);
        values[layer] = Ensure(values[layer], v, needed);
        keys[layer]!.narrow(2, Length, t).copy_(k);
        values[layer]!.narrow(2, Length, t).copy_(v);
        return (keys[layer]!.narrow(2, 0, needed), values[layer]!.narrow(2, 0, needed));
    }

    public void Advance(long columns) => Length += columns;

    Tensor Ensure(Tensor? buffer, Tensor like, long needed)
    {
        if (buffer is not null && buffer.shape[2] >= needed) return buffer;
        long capacity = Math.Max(needed, Math.Max(initialCapacity, (buffer?.shape[2] ?? 0) * 2));
        var grown = zeros([like.shape[0], like.shape[1], capacity, like.shape[3]], ScalarType.Float32, like.device).DetachFromDisposeScope();
        if (buffer is not null)
        {
            grown.narrow(2, 0, Length).copy_(buffer.narrow(2, 0, Length));
            buffer.Dispose();
        }
        return grown;
    }

    public void Dispose()
    {
        foreach (var t in keys) t?.Dispose();
        foreach (var t in values) t?.Dispose();
        Array.Clear(keys);
        Array.Clear(values);
    }
}
