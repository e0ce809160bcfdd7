using System.Text;

namespace SteerLab.Engine.Steering.Documents;

/// <summary>Exports dense vectors as a llama.cpp / repeng control vector: a GGUF v3 file with
/// <c>general.architecture = "controlvector"</c>, <c>controlvector.model_hint</c>, <c>controlvector.layer_count</c>,
/// and one F32 tensor <c>direction.{N}</c> of length d_model per steered layer, where N is the decoder block
/// whose output is steered (llama.cpp adds direction.N to the output of its layer N and has no direction.0).
/// So <c>blocks.L.hook_resid_post</c> exports as N = L and <c>blocks.L.hook_resid_pre</c> as N = L − 1.</summary>
public static class GgufControlVector
{
    const uint Magic = 0x46554747; // "GGUF" little-endian
    const uint Version = 3;
    const int Alignment = 32;
    const uint TypeUInt32 = 4, TypeString = 8, TensorTypeF32 = 0;

    /// <summary>The llama.cpp layer a vector at <paramref name="vector"/>.Hook steers, or an error message.</summary>
    public static int LayerIndex(SteeringVector vector)
    {
        if (vector.IsSparse) throw new ArgumentException($"'{vector.Name}' is sparse; a control vector must be dense (CAA, top-k ENR, SAE-TS)");
        int n = vector.Hook.Kind switch
        {
            Hooks.HookKind.ResidPost => vector.Hook.Layer,
            Hooks.HookKind.ResidPre => vector.Hook.Layer - 1,
            _ => throw new ArgumentException($"'{vector.Name}' steers {vector.Hook.Name}; control vectors act on the residual stream (hook_resid_pre/hook_resid_post)"),
        };
        if (n < 1) throw new ArgumentException($"'{vector.Name}' steers the output of block {n}; llama.cpp control vectors have no layer {n} (direction.0 is invalid)");
        return n;
    }

    /// <param name="modelHint">The model family llama.cpp checks against, e.g. "llama", "gemma2", "gpt2".</param>
    /// <param name="coefficient">Multiplies the stored directions (llama.cpp can scale again at load time).</param>
    public static void Write(string path, IReadOnlyList<SteeringVector> vectors, string modelHint, double coefficient = 1.0)
    {
        if (vectors.Count == 0) throw new ArgumentException("no vectors to export");
        var layers = vectors.Select(LayerIndex).ToList();
        if (layers.Distinct().Count() != layers.Count) throw new ArgumentException("two vectors steer the same layer; combine them first");
        int d = vectors[0].DModel;
        if (vectors.Any(v => v.DModel != d)) throw new ArgumentException("all vectors must have the same d_model");

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)vectors.Count); // tensors
        w.Write(3UL);                  // metadata key-value pairs
        WriteString(w, "general.architecture"); w.Write(TypeString); WriteString(w, "controlvector");
        WriteString(w, "controlvector.model_hint"); w.Write(TypeString); WriteString(w, modelHint);
        WriteString(w, "controlvector.layer_count"); w.Write(TypeUInt32); w.Write((uint)vectors.Count);
        long tensorBytes = (long)d * sizeof(float);
        long padded = Align(tensorBytes);
        var order = Enumerable.Range(0, vectors.Count).OrderBy(i => layers[i]).ToList();
        for (int k = 0; k < order.Count; k++)
        {
            WriteString(w, $"direction.{layers[order[k]]}");
            w.Write(1u);          // dimensions
            w.Write((ulong)d);
            w.Write(TensorTypeF32);
            w.Write((ulong)(k * padded)); // offset within the data section
        }
        Pad(w);
        foreach (int i in order)
        {
            foreach (float x in vectors[i].Dense!) w.Write((float)(x * coefficient));
            Pad(w);
        }
    }

    static long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;

    static void Pad(BinaryWriter w)
    {
        long position = w.BaseStream.Position;
        for (long i = position; i < Align(position); i++) w.Write((byte)0);
    }

    static void WriteString(BinaryWriter w, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
