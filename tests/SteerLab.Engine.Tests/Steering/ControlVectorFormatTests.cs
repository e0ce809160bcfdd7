using System.Text;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;

namespace SteerLab.Engine.Tests.Steering;

public class ControlVectorFormatTests
{
    [Fact]
    public void GgufControlVector_IsWrittenAsLlamaCppReadsIt()
    {
        var a = VectorDocumentTests.Dense();                                                    // blocks.2.hook_resid_post → direction.2
        var b = a with { Hook = new HookPoint(4, HookKind.ResidPre), Dense = [1f, 2f, 3f, 4f] }; // output of block 3 → direction.3
        string path = Path.Combine(Path.GetTempPath(), $"cv-{Guid.NewGuid():N}.gguf");
        try
        {
            GgufControlVector.Write(path, [a, b], "llama", coefficient: 2.0);
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            Assert.Equal("GGUF"u8.ToArray(), r.ReadBytes(4));
            Assert.Equal(3u, r.ReadUInt32());
            Assert.Equal(2UL, r.ReadUInt64()); // tensors
            Assert.Equal(3UL, r.ReadUInt64()); // key-values
            var kv = new Dictionary<string, object>();
            for (int i = 0; i < 3; i++)
            {
                string key = ReadString(r);
                uint type = r.ReadUInt32();
                kv[key] = type switch { 8 => ReadString(r), 4 => r.ReadUInt32(), _ => throw new Exception($"type {type}") };
            }
            Assert.Equal("controlvector", kv["general.architecture"]);
            Assert.Equal("llama", kv["controlvector.model_hint"]);
            Assert.Equal(2u, kv["controlvector.layer_count"]);
            var tensors = new List<(string Name, ulong Length, ulong Offset)>();
            for (int i = 0; i < 2; i++)
            {
                string name = ReadString(r);
                Assert.Equal(1u, r.ReadUInt32());
                ulong length = r.ReadUInt64();
                Assert.Equal(0u, r.ReadUInt32()); // F32
                tensors.Add((name, length, r.ReadUInt64()));
            }
            Assert.Equal(["direction.2", "direction.3"], tensors.Select(t => t.Name));
            long dataStart = (r.BaseStream.Position + 31) / 32 * 32;
            foreach (var (tensor, expected) in tensors.Zip(new[] { a.Dense!, b.Dense! }))
            {
                Assert.Equal(4UL, tensor.Length);
                Assert.Equal(0UL, tensor.Offset % 32);
                r.BaseStream.Position = dataStart + (long)tensor.Offset;
                Assert.Equal(expected.Select(x => x * 2f), Enumerable.Range(0, 4).Select(_ => r.ReadSingle()));
            }
        }
        finally { File.Delete(path); }
    }

    static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes(checked((int)r.ReadUInt64())));

    [Fact]
    public void GgufExport_RefusesWhatLlamaCppCannotApply()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cv-{Guid.NewGuid():N}.gguf");
        var dense = VectorDocumentTests.Dense();
        Assert.Contains("direction.0", Assert.Throws<ArgumentException>(() => GgufControlVector.Write(path, [dense with { Hook = new HookPoint(0, HookKind.ResidPost) }], "llama")).Message);
        Assert.Contains("residual", Assert.Throws<ArgumentException>(() => GgufControlVector.Write(path, [dense with { Hook = new HookPoint(2, HookKind.MlpOut) }], "llama")).Message);
        Assert.Contains("sparse", Assert.Throws<ArgumentException>(() => GgufControlVector.Write(path, [VectorDocumentTests.Sparse()], "llama")).Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void NeuronpediaFolder_RoundTripsAndIsReadableByteLevel()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"np-{Guid.NewGuid():N}");
        try
        {
            var vector = VectorDocumentTests.Dense();
            NeuronpediaVector.Write(folder, vector, defaultSteerStrength: 8);
            string yaml = File.ReadAllText(Path.Combine(folder, "vector.yaml"));
            Assert.Contains("label: happy", yaml);
            Assert.Contains("layer_num: 2", yaml);
            Assert.Contains("hook_type: hook_resid_post", yaml);
            Assert.Contains("default_steer_strength: 8", yaml);
            // The safetensors file: 8-byte header length, JSON header, then the four floats.
            byte[] bytes = File.ReadAllBytes(Path.Combine(folder, "vector.safetensors"));
            long headerLength = BitConverter.ToInt64(bytes, 0);
            string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
            Assert.Contains("\"vector\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", header);
            var floats = Enumerable.Range(0, 4).Select(i => BitConverter.ToSingle(bytes, 8 + (int)headerLength + 4 * i));
            Assert.Equal(vector.Dense, floats);

            var back = NeuronpediaVector.Read(folder, modelDModel: 4);
            Assert.Equal(vector.Dense, back.Dense);
            Assert.Equal(vector.Hook, back.Hook);
            Assert.Equal(vector.Name, back.Name);
            Assert.Equal(vector.ModelId, back.ModelId);
            Assert.Contains("d_model", Assert.Throws<VectorImportException>(() => NeuronpediaVector.Read(folder, modelDModel: 8)).Message);

            File.WriteAllText(Path.Combine(folder, "vector.yaml"), "label: x\nmodel_id: m\nhook_name: blocks.1.attn.hook_z\n");
            Assert.Contains("hook_name", Assert.Throws<VectorImportException>(() => NeuronpediaVector.Read(folder)).Message);
            File.WriteAllText(Path.Combine(folder, "vector.yaml"), "label: [unclosed\n");
            Assert.Throws<VectorImportException>(() => NeuronpediaVector.Read(folder));
        }
        finally { Directory.Delete(folder, true); }
    }
}
