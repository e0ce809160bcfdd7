using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Safetensors;
using SteerLab.Engine.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Models;

/// <summary>Reduced-precision checkpoints (BF16 and F16 files written by the test from the real F32 ones) and
/// bfloat16 weights track the float32 model; float32 weights from a float32 file are views of the mapped file.</summary>
public sealed class Bf16CheckpointTests(ITestOutputHelper output) : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-bf16-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string> Checkpoints => ReferenceForwardTests.Checkpoints;

    // Tolerances, from first principles, as a fraction of the logit scale max|logit| of the float32 model.
    //
    // bfloat16 keeps 8 significant bits (7 stored + the implicit one): rounding a float32 weight moves it by at most
    // 2^-8 ≈ 0.4% of its value, about 2^-9 ≈ 0.2% on average. With bf16 weights the matmuls run in bf16 too, so
    // activations are rounded at every linear layer as well. Independent roundings add roughly in quadrature; a few
    // per sublayer over 2–5 layers is ~20 of them: √20 × 0.2% ≈ 1% of the logit scale expected.
    // Measured max|diff| / max|logit| (stories260K, tiny-gemma2, tiny-gpt2): 0.0100 (0.205 of 20.5),
    // 0.0177 (0.071 of 3.99), 0.0131 (0.038 of 2.90), the same for the BF16 file and the F32 file loaded as bf16;
    // the top-1 token agreed at every position. Bound: 5% (≥ 2.8× margin). A near-tie may legitimately flip the top
    // token, so one position of the 9–12 may disagree.
    const double Bf16RelativeBound = 0.05;
    // float16 keeps 11 significant bits: 2^-11 ≈ 0.05% per weight, 8× finer than bf16, and an F16 file loaded as
    // float32 is upcast exactly, so the weights' rounding is the only error. Measured: 0.0008 (0.017 absolute),
    // 0.0012 (0.0049), 0.0021 (0.0060), top-1 agreed everywhere. Bound: 1% (≥ 4.7× margin), 5× tighter than bf16's.
    const double F16RelativeBound = 0.01;
    const int AllowedTop1Flips = 1;

    /// <summary>Logits of one model against the float32 model over the reference tokens.</summary>
    sealed record LogitComparison(double MaxAbsDiff, double MaxAbsLogit, int Positions, int Top1Disagreements)
    {
        public override string ToString() =>
            $"max|diff| {MaxAbsDiff:G4} = {MaxAbsDiff / MaxAbsLogit:G4} of max|logit| {MaxAbsLogit:G4}; top-1 differs at {Top1Disagreements} of {Positions} positions";
    }

    [SkippableTheory]
    [MemberData(nameof(Checkpoints))]
    public void Bf16Checkpoint_LoadedAsBf16_TracksFloat32Logits(string checkpoint)
    {
        string source = SharedData.Require(checkpoint);
        string bf16 = Convert(source, "bf16", ScalarType.BFloat16);

        AssertWithin(Bf16RelativeBound, $"{checkpoint} BF16 file as bf16", Compare(checkpoint, source, bf16, ScalarType.BFloat16));
    }

    [SkippableTheory]
    [MemberData(nameof(Checkpoints))]
    public void F32Checkpoint_LoadedAsBf16_TracksFloat32Logits(string checkpoint)
    {
        string source = SharedData.Require(checkpoint);

        AssertWithin(Bf16RelativeBound, $"{checkpoint} F32 file as bf16", Compare(checkpoint, source, source, ScalarType.BFloat16));
    }

    [SkippableTheory]
    [MemberData(nameof(Checkpoints))]
    public void F16Checkpoint_LoadedAsFloat32_MatchesFloat32Closely(string checkpoint)
    {
        string source = SharedData.Require(checkpoint);
        string f16 = Convert(source, "f16", ScalarType.Float16);

        AssertWithin(F16RelativeBound, $"{checkpoint} F16 file as float32", Compare(checkpoint, source, f16, ScalarType.Float32));
    }

    void AssertWithin(double relativeBound, string what, LogitComparison comparison)
    {
        output.WriteLine($"{what}: {comparison}");
        Assert.True(comparison.MaxAbsDiff <= relativeBound * comparison.MaxAbsLogit, $"{what}: {comparison}, bound {relativeBound} of max|logit|");
        Assert.True(comparison.Top1Disagreements <= AllowedTop1Flips, $"{what}: {comparison}");
    }

    LogitComparison Compare(string checkpoint, string float32Directory, string directory, ScalarType weightType)
    {
        var tokens = ReferenceForwardTests.LoadReference(checkpoint).Tokens;
        using var expectedModel = ModelLoader.Load(float32Directory, ScalarType.Float32);
        using var actualModel = ModelLoader.Load(directory, weightType);
        Assert.Equal(weightType, actualModel.WeightType);
        using var ids = tensor(tokens).unsqueeze(0);
        using var expected = expectedModel.Forward(new ForwardInput { InputIds = ids }); // [1, seq, vocab]
        using var actual = actualModel.Forward(new ForwardInput { InputIds = ids });
        using var expectedTop = expected.argmax(-1);
        using var actualTop = actual.argmax(-1);
        using var differ = expectedTop.ne(actualTop).sum();
        return new LogitComparison(TensorAssert.MaxAbsDiff(expected, actual), expected.abs().max().item<float>(), tokens.Length, (int)differ.item<long>());
    }

    /// <summary>Writes the checkpoint again with every floating-point tensor stored as <paramref name="type"/>.</summary>
    string Convert(string source, string name, ScalarType type)
    {
        string target = Path.Combine(folder, name);
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(target, "config.json"));
        using var file = SafetensorsFile.Open(Path.Combine(source, "model.safetensors"));
        var tensors = file.Tensors.Values.Select(info => new KeyValuePair<string, Tensor>(info.Name,
            file.Load(info.Name, info.DType is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16 ? type : null))).ToList();
        SafetensorsWriter.Write(Path.Combine(target, "model.safetensors"), tensors, file.Metadata);
        tensors.ForEach(t => t.Value.Dispose());
        return target;
    }

    // ---- Zero-copy: float32 weights of a float32 file are views of the mapping.

    /// <summary>Address of a CPU tensor's first element (TorchSharp's <c>bytes</c> spans the native data, uncopied).</summary>
    static long Address(Tensor t) => (long)Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetReference(t.bytes));

    [SkippableFact]
    public void F32Checkpoint_LoadedAsFloat32_WeightsViewTheMappedFile()
    {
        string directory = SharedData.Require("stories260K");
        string path = Path.Combine(directory, "model.safetensors");
        SafetensorsHeader header;
        using (var stream = File.OpenRead(path)) header = SafetensorsHeader.Read(stream, stream.Length, path);
        long FileOffset(string name) => header.DataOffset + header.Tensors[name].Begin;

        using var model = Assert.IsType<Llama>(ModelLoader.Load(directory, ScalarType.Float32));
        var weights = model.Parameters;
        var named = new List<(string Name, Tensor Weight)> { ("model.embed_tokens.weight", weights.Embedding), ("model.norm.weight", weights.FinalNorm) };
        for (int l = 0; l < weights.Layers.Count; l++)
        {
            string p = $"model.layers.{l}.";
            var w = weights.Layers[l];
            named.AddRange([(p + "self_attn.q_proj.weight", w.Q), (p + "self_attn.k_proj.weight", w.K), (p + "self_attn.v_proj.weight", w.V),
                (p + "self_attn.o_proj.weight", w.O), (p + "mlp.gate_proj.weight", w.Gate), (p + "mlp.up_proj.weight", w.Up),
                (p + "mlp.down_proj.weight", w.Down), (p + "input_layernorm.weight", w.InputNorm), (p + "post_attention_layernorm.weight", w.PostAttentionNorm)]);
        }

        // Every weight sits exactly as far from the embedding in memory as it does in the file: one mapping, no copies.
        long mappingStart = Address(weights.Embedding) - FileOffset("model.embed_tokens.weight");
        foreach (var (name, weight) in named)
            Assert.True(Address(weight) - mappingStart == FileOffset(name), $"{name} is not a view of the mapped file (a copy)");
        // On Linux, also find that address range in the process's file mappings.
        if (File.Exists("/proc/self/maps"))
        {
            bool mapped = File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length == 6 && parts[5].Trim().EndsWith("/model.safetensors", StringComparison.Ordinal))
                .Select(parts => parts[0].Split('-').Select(a => System.Convert.ToInt64(a, 16)).ToArray())
                .Any(range => range[0] <= mappingStart && mappingStart + new FileInfo(path).Length <= range[1]);
            Assert.True(mapped, $"no mapping of a model.safetensors file covers address 0x{mappingStart:x}");
        }

        // The same check tells copies apart: bfloat16 weights are converted into new memory.
        using var bf16 = Assert.IsType<Llama>(ModelLoader.Load(directory, ScalarType.BFloat16));
        var converted = bf16.Parameters;
        Assert.NotEqual(Address(converted.Layers[0].Q) - Address(converted.Embedding),
            FileOffset("model.layers.0.self_attn.q_proj.weight") - FileOffset("model.embed_tokens.weight"));
    }
}
