using System.Text;
using System.Text.Json.Nodes;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Safetensors;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Models;

/// <summary>Untrusted checkpoint files: every malformed safetensors header is refused with a message naming the file
/// and the problem (never a crash, never an allocation sized by the header); valid files round-trip; sharded
/// checkpoints, Hugging Face cache folders and broken config.json files behave as a user needs.</summary>
public sealed class SafetensorsValidationTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-safetensors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // ---- Files built byte by byte: 8-byte little-endian header length, header bytes, data section.

    internal static byte[] RawFile(ulong declaredHeaderLength, byte[] header, int dataBytes = 0)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BitConverter.GetBytes(declaredHeaderLength).CopyTo(bytes, 0);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    internal static byte[] JsonFile(string header, int dataBytes = 0)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return RawFile((ulong)json.Length, json, dataBytes);
    }

    internal const string HugeShapeHeader = """{"a": {"dtype": "F32", "shape": [1099511627776, 1099511627776], "data_offsets": [0, 4]}}"""; // 2^40 x 2^40

    static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>Malformed files by case name: the bytes, and the words the error must contain.</summary>
    static readonly Dictionary<string, (byte[] Bytes, string Problem)> Malformed = new()
    {
        ["truncated below 8 bytes"] = ([1, 2, 3], "truncated file: 3 bytes"),
        ["header length past end of file"] = (RawFile(100, "{}"u8.ToArray()), "declared header length 100 bytes runs past the end of the file (10 bytes)"),
        ["header length 2^63"] = (RawFile(1UL << 63, "{}"u8.ToArray()), $"declared header length {1UL << 63} bytes exceeds"),
        ["header length 2^64-1"] = (RawFile(ulong.MaxValue, "{}"u8.ToArray()), $"declared header length {ulong.MaxValue} bytes exceeds"),
        ["header not UTF-8"] = (RawFile(4, [(byte)'{', 0xFF, 0xFE, (byte)'}']), "header is not valid UTF-8"),
        ["header not JSON"] = (JsonFile("hello, world"), "header is not valid JSON"),
        ["header empty"] = (JsonFile(""), "header is not valid JSON"),
        ["header JSON array"] = (JsonFile("[1, 2]"), "header JSON must be an object"),
        ["header JSON string"] = (JsonFile("\"model\""), "header JSON must be an object"),
        ["10,000 nested arrays in __metadata__"] = (JsonFile("""{"__metadata__": """ + Nested(10_000) + "}"), "header is not valid JSON"),
        ["10,000 nested arrays in a tensor entry"] = (JsonFile("""{"a": {"dtype": "F32", "shape": """ + Nested(10_000) + "}}"), "header is not valid JSON"),
        ["__metadata__ value not a string"] = (JsonFile("""{"__metadata__": {"format": "pt", "step": 3}}"""), "__metadata__.step must be a string"),
        ["__metadata__ not an object"] = (JsonFile("""{"__metadata__": ["pt"]}"""), "__metadata__ must be an object of strings"),
        ["duplicate tensor name"] = (JsonFile("""
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
            """, 8), "tensor 'a' is declared twice"),
        ["tensor entry not an object"] = (JsonFile("""{"a": 5}"""), "tensor 'a': entry must be an object"),
        ["unknown dtype"] = (JsonFile("""{"a": {"dtype": "F8_E9M9", "shape": [1], "data_offsets": [0, 1]}}""", 1), "tensor 'a': unknown dtype 'F8_E9M9'"),
        ["missing dtype"] = (JsonFile("""{"a": {"shape": [1], "data_offsets": [0, 4]}}""", 4), "tensor 'a': missing string 'dtype'"),
        ["negative shape entry"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [2, -1], "data_offsets": [0, 0]}}"""), "tensor 'a': shape[1] must be a non-negative integer"),
        ["fractional shape entry"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}""", 4), "tensor 'a': shape[0] must be a non-negative integer"),
        ["string shape entry"] = (JsonFile("""{"a": {"dtype": "F32", "shape": ["2"], "data_offsets": [0, 8]}}""", 8), "tensor 'a': shape[0] must be a non-negative integer"),
        ["shape entry beyond int64"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [99999999999999999999], "data_offsets": [0, 4]}}""", 4), "tensor 'a': shape[0] must be a non-negative integer"),
        ["huge shape [2^40, 2^40]"] = (JsonFile(HugeShapeHeader, 4), "tensor 'a': shape [1099511627776, 1099511627776] declares an impossibly large tensor"),
        ["byte span not dtype size x elements"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""", 8), "tensor 'a': dtype F32 x shape [3] needs 12 bytes but data_offsets span 8"),
        ["offsets past the data section"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 4), "tensor 'a': data_offsets [0, 8] lie outside the data section (4 bytes)"),
        ["negative begin offset"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}""", 4), "tensor 'a': data_offsets must be integers with 0 <= begin <= end"),
        ["end before begin"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}""", 8), "tensor 'a': data_offsets must be integers with 0 <= begin <= end"),
        ["string offsets"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": ["0", "4"]}}""", 4), "tensor 'a': data_offsets must be integers with 0 <= begin <= end"),
        ["three offsets"] = (JsonFile("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}""", 8), "tensor 'a': 'data_offsets' must be [begin, end]"),
        ["overlapping tensors"] = (JsonFile("""
            {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}
            """, 12), "tensors 'a' [0, 8) and 'b' [4, 12) overlap"),
    };

    public static TheoryData<string> MalformedCases => new(Malformed.Keys);

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Open_RefusesMalformedFile_NamingFileAndProblem(string malformedCase)
    {
        var (bytes, problem) = Malformed[malformedCase];
        string path = Path.Combine(folder, "model.safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));

        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void ValidFile_RoundTripsF32Bf16F16AndI64Exactly()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 5),
            ["bf16"] = randn(4, 2).to(ScalarType.BFloat16),
            ["f16"] = randn(7).to(ScalarType.Float16),
            ["i64"] = tensor(new long[] { 0, -1, long.MaxValue, long.MinValue, 1L << 40, 42 }).view(2, 3),
        };
        string path = Path.Combine(folder, "model.safetensors");
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new[] { SafetensorsDType.F32, SafetensorsDType.BF16, SafetensorsDType.F16, SafetensorsDType.I64 },
            tensors.Keys.Select(name => file.Tensors[name].DType));
        foreach (var (name, expected) in tensors)
        {
            using var loaded = file.Load(name);
            Assert.Equal(expected.dtype, loaded.dtype);
            Assert.Equal(expected.shape, loaded.shape);
            Assert.True(expected.bytes.SequenceEqual(loaded.bytes), $"{name}: loaded bytes differ from the written ones");
        }
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void ValidFile_WithZeroElementTensor_Loads()
    {
        string path = Path.Combine(folder, "model.safetensors");
        using (var empty = zeros(0, 4))
        using (var after = ones(2))
            SafetensorsWriter.Write(path, [new("empty", empty), new("after", after)]);

        using var file = SafetensorsFile.Open(path);
        using var loaded = file.Load("empty");
        Assert.Equal(new long[] { 0, 4 }, loaded.shape);
        using var next = file.Load("after");
        Assert.Equal(new[] { 1f, 1f }, next.data<float>().ToArray());
    }

    [Fact]
    public void ValidFile_WhoseOnlyTensorIsEmpty_Loads()
    {
        // The data section is empty; the tensor's address is the end of the mapping and is never dereferenced.
        string path = Path.Combine(folder, "model.safetensors");
        File.WriteAllBytes(path, JsonFile("""{"a": {"dtype": "BF16", "shape": [3, 0], "data_offsets": [0, 0]}}"""));

        using var file = SafetensorsFile.Open(path);
        using var loaded = file.Load("a", ScalarType.Float32);
        Assert.Equal(new long[] { 3, 0 }, loaded.shape);
    }

    [Fact]
    public void ValidFile_WithUnalignedData_LoadsByCopying()
    {
        // A header whose length is not a multiple of 8 leaves the F32 data at an odd address.
        string header = """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""";
        Assert.NotEqual(0, (8 + header.Length) % 4);
        var bytes = JsonFile(header, 8);
        BitConverter.GetBytes(1.5f).CopyTo(bytes, 8 + header.Length);
        BitConverter.GetBytes(-2f).CopyTo(bytes, 8 + header.Length + 4);
        string path = Path.Combine(folder, "model.safetensors");
        File.WriteAllBytes(path, bytes);

        using var file = SafetensorsFile.Open(path);
        using var loaded = file.Load("a");
        Assert.Equal(new[] { 1.5f, -2f }, loaded.data<float>().ToArray());
    }

    // ---- Sharded checkpoints (model.safetensors.index.json).

    string WriteShard(string directory, string name, params string[] tensorNames)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        var tensors = tensorNames.Select(n => new KeyValuePair<string, Tensor>(n, ones(2))).ToList();
        SafetensorsWriter.Write(path, tensors);
        tensors.ForEach(t => t.Value.Dispose());
        return path;
    }

    static void WriteIndex(string directory, IEnumerable<KeyValuePair<string, string>> weightMap)
    {
        var map = new JsonObject();
        foreach (var (tensor, shard) in weightMap) map[tensor] = shard;
        File.WriteAllText(Path.Combine(directory, "model.safetensors.index.json"),
            new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
    }

    [Theory]
    [InlineData("missing shard", "w", "model-00002-of-00002.safetensors", "model-00002-of-00002.safetensors")]
    [InlineData("shard path with ../", "w", "../outside.safetensors", "must name a file in the same folder, found '../outside.safetensors'")]
    [InlineData("absolute shard path", "w", "/tmp/outside.safetensors", "must name a file in the same folder")]
    [InlineData("tensor the shard does not hold", "v", "model-00001-of-00002.safetensors", "weight_map says 'v' is in model-00001-of-00002.safetensors, but that shard does not hold it")]
    public void ShardedIndex_WithBadEntry_IsAClearConfigError(string badCase, string tensor, string shard, string problem)
    {
        string model = Path.Combine(folder, "model");
        WriteShard(model, "model-00001-of-00002.safetensors", "w");
        WriteShard(folder, "outside.safetensors", "w"); // exists, so "../" is refused for its path, not for being absent
        WriteIndex(model, [new(tensor, shard)]);

        var error = Assert.Throws<ModelConfigException>(() => CheckpointWeights.Open(model).Dispose());

        Assert.Contains(Path.Combine(model, "model.safetensors.index.json"), error.Message);
        Assert.True(error.Message.Contains(problem), $"{badCase}: '{error.Message}' does not say '{problem}'");
    }

    [Fact]
    public void ShardedIndex_WithNonStringShardName_IsAClearConfigError()
    {
        string model = Path.Combine(folder, "model");
        WriteShard(model, "model-00001-of-00001.safetensors", "w");
        File.WriteAllText(Path.Combine(model, "model.safetensors.index.json"), """{"weight_map": {"w": 7}}""");

        var error = Assert.Throws<ModelConfigException>(() => CheckpointWeights.Open(model).Dispose());

        Assert.Contains("weight_map.w must be a file name, found 7", error.Message);
    }

    [SkippableFact]
    public void TwoShardSplitOfStories260K_GivesTheSameLogitsAsTheSingleFile()
    {
        string source = SharedData.Require("stories260K");
        string sharded = Path.Combine(folder, "sharded");
        Directory.CreateDirectory(sharded);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(sharded, "config.json"));
        var weightMap = new List<KeyValuePair<string, string>>();
        using (var file = SafetensorsFile.Open(Path.Combine(source, "model.safetensors")))
        {
            var names = file.Tensors.Keys.Order(StringComparer.Ordinal).ToList();
            var halves = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
            for (int s = 0; s < 2; s++)
            {
                string shard = $"model-0000{s + 1}-of-00002.safetensors";
                var tensors = halves[s].Select(n => new KeyValuePair<string, Tensor>(n, file.Load(n))).ToList();
                SafetensorsWriter.Write(Path.Combine(sharded, shard), tensors);
                tensors.ForEach(t => t.Value.Dispose());
                weightMap.AddRange(halves[s].Select(n => new KeyValuePair<string, string>(n, shard)));
            }
        }
        WriteIndex(sharded, weightMap);

        AssertSameLogits(source, sharded);
    }

    // ---- Hugging Face cache layout: models--org--name/refs/main + snapshots/<rev>/.

    [SkippableFact]
    public void HuggingFaceCacheFolder_ResolvesToTheRefsMainSnapshotAndLoads()
    {
        string source = SharedData.Require("stories260K");
        string cache = Path.Combine(folder, "hub", "models--karpathy--stories260K");
        string revision = "0123456789abcdef0123456789abcdef01234567";
        string snapshot = Path.Combine(cache, "snapshots", revision);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(cache, "refs"));
        File.WriteAllText(Path.Combine(cache, "refs", "main"), revision + "\n");
        foreach (var name in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(source, name), Path.Combine(snapshot, name));
        // An older snapshot with a broken config: picking it instead of refs/main would fail.
        string stale = Path.Combine(cache, "snapshots", "ffffffffffffffffffffffffffffffffffffffff");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "config.json"), "not json");

        Assert.Equal(snapshot, ModelDirectory.Resolve(cache));
        AssertSameLogits(source, cache);
    }

    static void AssertSameLogits(string expectedDirectory, string actualDirectory)
    {
        using var expectedModel = ModelLoader.Load(expectedDirectory);
        using var actualModel = ModelLoader.Load(actualDirectory);
        using var ids = tensor(ReferenceForwardTests.LoadReference("stories260K").Tokens).unsqueeze(0);
        using var expected = expectedModel.Forward(new ForwardInput { InputIds = ids });
        using var actual = actualModel.Forward(new ForwardInput { InputIds = ids });
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(expected, actual));
    }

    // ---- config.json problems.

    const string LlamaConfig = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64, "intermediate_size": 172,
         "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 8, "vocab_size": 512}
        """;
    const string Gpt2Config = """
        {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4, "vocab_size": 80}
        """;

    [Theory]
    [InlineData("missing hidden_size", LlamaConfig, "hidden_size", null, "missing required key 'hidden_size'")]
    [InlineData("hidden_size not an integer", LlamaConfig, "hidden_size", "\"64\"", "'hidden_size' must be an integer")]
    [InlineData("heads not a multiple of kv heads", LlamaConfig, "num_key_value_heads", "3", "num_attention_heads 8 is not a multiple of num_key_value_heads 3")]
    [InlineData("n_embd not divisible by n_head", Gpt2Config, "n_embd", "30", "n_embd 30 is not divisible by n_head 4")]
    [InlineData("unknown architecture", LlamaConfig, "architectures", "[\"MambaForCausalLM\"]", "architecture 'MambaForCausalLM' is not supported")]
    [InlineData("not JSON", "{\"hidden_size\": 64,", null, null, "not valid JSON")]
    [InlineData("JSON array", "[1, 2]", null, null, "the config must be a JSON object")]
    public void BrokenConfigJson_IsAConfigErrorNamingFileAndKey(string badCase, string config, string? key, string? value, string problem)
    {
        if (key is not null)
        {
            var root = JsonNode.Parse(config)!.AsObject();
            root.Remove(key);
            if (value is not null) root[key] = JsonNode.Parse(value);
            config = root.ToJsonString();
        }
        string path = Path.Combine(folder, "config.json");
        File.WriteAllText(path, config);

        var error = Assert.Throws<ModelConfigException>(() => ModelLoader.Load(folder).Dispose());

        Assert.StartsWith(path + ": ", error.Message);
        Assert.True(error.Message.Contains(problem), $"{badCase}: '{error.Message}' does not say '{problem}'");
    }
}

/// <summary>Parsing a header that declares something enormous allocates nothing sized by that declaration. Runs alone
/// (no parallel tests) so the process-wide working set is a meaningful second measure.</summary>
[Collection(nameof(SafetensorsValidationMemoryTests))]
[CollectionDefinition(nameof(SafetensorsValidationMemoryTests), DisableParallelization = true)]
public sealed class SafetensorsValidationMemoryTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-safetensors-memory-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void RefusingHugeDeclarations_AllocatesNothingSizedByTheHeader()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["huge-shape"] = SafetensorsValidationTests.JsonFile(SafetensorsValidationTests.HugeShapeHeader, 4),
            ["header-2^63"] = SafetensorsValidationTests.RawFile(1UL << 63, "{}"u8.ToArray()),
            // Under the 100 MB header limit but longer than the file: must be refused before reading it into a buffer.
            ["header-90MB"] = SafetensorsValidationTests.RawFile(90_000_000, "{}"u8.ToArray()),
        }.Select(pair =>
        {
            string path = Path.Combine(folder, pair.Key + ".safetensors");
            File.WriteAllBytes(path, pair.Value);
            return path;
        }).ToList();
        void RefuseAll()
        {
            foreach (var path in files) Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        }
        RefuseAll(); // warm up: JIT and first-use allocations are not what is measured

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long workingSetBefore = Environment.WorkingSet;
        for (int round = 0; round < 10; round++) RefuseAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long managedGrowth = GC.GetTotalMemory(forceFullCollection: false) - managedBefore;
        long workingSetGrowth = Environment.WorkingSet - workingSetBefore;

        // 30 refusals: exceptions, messages and a small JSON parse each — kilobytes. One header-sized buffer would be 90 MB.
        const long MB = 1 << 20;
        Assert.True(allocated < 2 * MB, $"parsing allocated {allocated} bytes");
        Assert.True(managedGrowth < 4 * MB, $"managed heap grew by {managedGrowth} bytes");
        Assert.True(workingSetGrowth < 8 * MB, $"working set grew by {workingSetGrowth} bytes");
    }
}
