using System.Text.Json.Nodes;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Tests.Tokenizers;
using static SteerLab.Engine.Tests.Malformed.MalformedBytes;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>Tokenizer files found in a model folder (tokenizer.json, tokenizer.model, vocab.json + merges.txt,
/// tokenizer_config.json), loaded through <see cref="TokenizerLoader.Load"/>, and the model's config.json, loaded
/// through <see cref="ModelLoader.Load"/> (which reads the config before any weight).</summary>
static class TokenizerAndConfigCases
{
    static MalformedCase Tokenizer(string description, string fileName, byte[] bytes, string problem, bool withValidTokenizerJson = false) =>
        new("tokenizer", description, typeof(TokenizerFormatException), problem,
            folder =>
            {
                if (withValidTokenizerJson) Write(folder, "tokenizer.json", ValidTokenizerJson());
                return (folder, Write(folder, fileName, bytes));
            },
            folder => TokenizerLoader.Load(folder));

    static MalformedCase Tokenizer(string description, string fileName, string text, string problem, bool withValidTokenizerJson = false) =>
        Tokenizer(description, fileName, Utf8(text), problem, withValidTokenizerJson);

    static MalformedCase TokenizerJson(string description, Action<JsonObject> corrupt, string problem)
    {
        var json = TinyTokenizerFiles.MetaspaceTokenizerJson("llama");
        corrupt(json);
        return Tokenizer(description, "tokenizer.json", TinyTokenizerFiles.Serialize(json), problem);
    }

    static string ValidTokenizerJson() => TinyTokenizerFiles.Serialize(TinyTokenizerFiles.MetaspaceTokenizerJson("llama"));

    static JsonObject Model(JsonObject json) => json["model"]!.AsObject();

    static MalformedCase Config(string description, byte[] bytes, string problem) =>
        new("model config.json", description, typeof(ModelConfigException), problem,
            folder => (folder, Write(folder, "config.json", bytes)),
            folder => ModelLoader.Load(folder));

    static MalformedCase Config(string description, string text, string problem) => Config(description, Utf8(text), problem);

    /// <summary>A file of <paramref name="length"/> bytes that takes no disk space (sparse): a size check must refuse it
    /// before reading it.</summary>
    static string WriteSparse(string folder, string name, long length)
    {
        string path = Path.Combine(folder, name);
        using var file = File.Create(path);
        file.SetLength(length);
        return path;
    }

    static MalformedCase OversizeTokenizer(string description, string fileName, Action<string>? besides = null) =>
        new("tokenizer", description, typeof(TokenizerFormatException), $"larger than the {TokenizerFileReader.MaxBytes} bytes a tokenizer file may have",
            folder =>
            {
                besides?.Invoke(folder);
                return (folder, WriteSparse(folder, fileName, TokenizerFileReader.MaxBytes + 1));
            },
            folder => TokenizerLoader.Load(folder));

    /// <summary>A sharded checkpoint's weight index beside a valid config.json, loaded through <see cref="ModelLoader.Load"/>.</summary>
    static MalformedCase WeightIndex(string description, Func<string, string> writeIndex, string problem) =>
        new("model.safetensors.index.json", description, typeof(ModelConfigException), problem,
            folder =>
            {
                Write(folder, "config.json", LlamaConfig);
                return (folder, writeIndex(folder));
            },
            folder => ModelLoader.Load(folder));

    const string IndexName = "model.safetensors.index.json";
    const string ValidIndex = """{"metadata": {"total_size": 4}, "weight_map": {"model.embed_tokens.weight": "model-00001-of-00001.safetensors"}}""";

    const string LlamaConfig = """
        {"architectures": ["LlamaForCausalLM"], "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
         "num_attention_heads": 2, "num_key_value_heads": 2, "vocab_size": 32, "max_position_embeddings": 64,
         "rms_norm_eps": 1e-5, "rope_theta": 10000.0}
        """;

    public static IEnumerable<MalformedCase> All() =>
    [
        Tokenizer("tokenizer.json is not JSON", "tokenizer.json", "<html><body>404 Not Found</body></html>", "not valid JSON"),
        Tokenizer("tokenizer.json is empty", "tokenizer.json", "", "not valid JSON"),
        Tokenizer("tokenizer.json nested 10,000 deep", "tokenizer.json", $"{{\"model\": {NestedArrays(10_000)}}}", "not valid JSON"),
        Tokenizer("tokenizer.json root is an array", "tokenizer.json", "[1, 2, 3]", "must be an object"),
        Tokenizer("invalid UTF-8 in a vocabulary token", "tokenizer.json", Splice(ValidTokenizerJson(), "\"<unk>\":", [(byte)'"', .. InvalidUtf8, (byte)'"', (byte)':']), "not valid JSON (the file is not valid UTF-8)"),
        TokenizerJson("vocabulary id negative", json => Model(json)["vocab"]!["he"] = -7, "a token id must not be negative"),
        TokenizerJson("vocabulary id 2^32", json => Model(json)["vocab"]!["he"] = 4294967296L, "must be an integer"),
        TokenizerJson("vocabulary id 1e400", json => Model(json)["vocab"]!["he"] = JsonNode.Parse("1e400"), "must be an integer"),
        TokenizerJson("merge referencing an unknown token", json => Model(json)["merges"]!.AsArray().Add("▁ zzz"), "merge uses \"zzz\", which is not in the vocabulary"),
        TokenizerJson("added token id 2^40", json => json["added_tokens"]![1]!["id"] = 1099511627776L, "$.added_tokens[1].id"),
        Tokenizer("tokenizer.model is not a SentencePiece model", "tokenizer.model", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x02], "not a SentencePiece BPE model"),
        new("tokenizer", "merges.txt referencing an unknown token", typeof(TokenizerFormatException), "merge uses 'zz', which is not in vocab.json",
            folder =>
            {
                Write(folder, "vocab.json", """{"a": 0, "b": 1, "ab": 2}""");
                return (folder, Write(folder, "merges.txt", "#version: 0.2\nzz qq\n"));
            },
            folder => TokenizerLoader.Load(folder)),
        Tokenizer("tokenizer_config.json nested 10,000 deep", "tokenizer_config.json", $"{{\"chat_template\": {NestedArrays(10_000)}}}", "not valid JSON", withValidTokenizerJson: true),
        Tokenizer("tokenizer_config.json added token key not an id", "tokenizer_config.json", """{"added_tokens_decoder": {"-1": {"content": "<x>"}}}""", "the key must be a non-negative token id", withValidTokenizerJson: true),
        Config("hidden_size 1e400", LlamaConfig.Replace("\"hidden_size\": 8", "\"hidden_size\": 1e400"), "'hidden_size' must be an integer"),
        Config("rope_theta 1e400", LlamaConfig.Replace("10000.0", "1e400"), "rope_theta must be a positive number"),
        Config("JSON nested 10,000 deep", $"{{\"hidden_size\": {NestedArrays(10_000)}}}", "not valid JSON"),
        Config("invalid UTF-8 in the architecture name", Splice(LlamaConfig, "LlamaForCausalLM", InvalidUtf8), "'architectures[0]' is not valid UTF-8"),
        OversizeTokenizer("tokenizer.json larger than the cap", "tokenizer.json"),
        OversizeTokenizer("tokenizer.model larger than the cap", "tokenizer.model"),
        OversizeTokenizer("merges.txt larger than the cap", "merges.txt", folder => Write(folder, "vocab.json", """{"a": 0, "b": 1, "ab": 2}""")),
        new("tokenizer", "merges.txt not valid UTF-8", typeof(TokenizerFormatException), "not valid UTF-8",
            folder =>
            {
                Write(folder, "vocab.json", """{"a": 0, "b": 1, "ab": 2}""");
                return (folder, Write(folder, "merges.txt", [.. Utf8("#version: 0.2\na "), .. InvalidUtf8, (byte)'\n']));
            },
            folder => TokenizerLoader.Load(folder)),
        WeightIndex("invalid UTF-8 in a tensor name", folder => Write(folder, IndexName, Splice(ValidIndex, "embed_tokens", InvalidUtf8)), "not valid UTF-8"),
        WeightIndex("invalid UTF-8 in a shard name", folder => Write(folder, IndexName, Splice(ValidIndex, "00001-of", InvalidUtf8)), "not valid UTF-8"),
        WeightIndex("not JSON", folder => Write(folder, IndexName, "{\"weight_map\": {\"a\": "), "not valid JSON"),
        WeightIndex("nested 10,000 deep", folder => Write(folder, IndexName, $"{{\"weight_map\": {NestedArrays(10_000)}}}"), "not valid JSON"),
        WeightIndex("larger than the cap", folder => WriteSparse(folder, IndexName, CheckpointWeights.MaxIndexBytes + 1), "bytes a weight index may have"),
    ];
}
