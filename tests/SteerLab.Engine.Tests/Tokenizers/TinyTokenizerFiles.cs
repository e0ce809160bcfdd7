using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SteerLab.Engine.Tests.Tokenizers;

/// <summary>Tiny tokenizer files for tests. The expected ids in the tests were computed from these exact files by
/// Hugging Face tokenizers 0.22 (Rust, through its Node binding), independently of our code.</summary>
static class TinyTokenizerFiles
{
    const char Metaspace = '\u2581';

    // Added tokens outside the vocabulary take the next ids, as in real files (Hugging Face renumbers them otherwise).

    /// <summary>A byte-level vocabulary: byte b has id b (in GPT-2's bytes_to_unicode spelling), then the merged tokens.</summary>
    public static readonly string[] ByteLevelMerges =
        ["Ġ t", "h e", "Ġt he", "Ġ Ġ", "i t", "' s", "Ċ Ċ", "c a", "ca f", "Ã ©", "caf Ã©", "Ġ cafÃ©", "! !", "l l", "Ġ w"];
    public const int EndOfTextId = 271; // after 256 bytes and 15 merges

    public static Dictionary<string, int> ByteLevelVocab()
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++) vocab[ByteChar(b).ToString()] = b;
        foreach (string merge in ByteLevelMerges) vocab[merge.Replace(" ", "")] = vocab.Count;
        vocab["<|endoftext|>"] = vocab.Count;
        return vocab;
    }

    /// <summary>GPT-2's bytes_to_unicode, written out independently of the engine's copy.</summary>
    public static char ByteChar(int b)
    {
        bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        if (printable) return (char)b;
        int offset = Enumerable.Range(0, b).Count(x => !((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255)));
        return (char)(256 + offset);
    }

    public static void WriteGpt2VocabAndMerges(string folder)
    {
        File.WriteAllText(Path.Combine(folder, "vocab.json"), Serialize(JsonSerializer.SerializeToNode(ByteLevelVocab())!));
        File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n" + string.Join("\n", ByteLevelMerges) + "\n");
    }

    /// <summary>GPT-2 as a tokenizer.json: the same vocabulary and merges, ByteLevel pre-tokenizer, string merges.</summary>
    public static JsonObject Gpt2TokenizerJson() => new()
    {
        ["version"] = "1.0",
        ["added_tokens"] = new JsonArray(AddedToken(EndOfTextId, "<|endoftext|>")),
        ["normalizer"] = null,
        ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
        ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
        ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
        ["model"] = BpeModel(ByteLevelVocab(), new JsonArray(ByteLevelMerges.Select(m => (JsonNode)m).ToArray()), byteFallback: false, unk: null),
    };

    /// <summary>Llama-3 style: Split with Llama-3's regex then ByteLevel without regex, [left, right] merges,
    /// ignore_merges, a vocabulary-only token "Ġworld" (no merges build it), and BOS from the post-processor.</summary>
    public static JsonObject Llama3StyleTokenizerJson()
    {
        var vocab = ByteLevelVocab();
        vocab.Remove("<|endoftext|>");
        vocab["Ġworld"] = 271;
        var merges = new JsonArray(ByteLevelMerges.Select(m => (JsonNode)new JsonArray(m.Split(' ').Select(p => (JsonNode)p!).ToArray())).ToArray());
        var model = BpeModel(vocab, merges, byteFallback: false, unk: null);
        model["ignore_merges"] = true;
        const string llama3Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(AddedToken(272, "<|begin_of_text|>"), AddedToken(273, "<|end_of_text|>"), AddedToken(274, "<|eot_id|>")),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = llama3Regex }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
            },
            ["post_processor"] = BosTemplate("<|begin_of_text|>", 272),
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = model,
        };
    }

    /// <summary>SentencePiece-style vocabulary: &lt;unk&gt; &lt;s&gt; &lt;/s&gt;, 256 byte tokens, a few characters
    /// (no newline, no 'é', no emoji: those need byte fallback), then merged tokens.</summary>
    public static readonly string[] MetaspaceMerges = ["▁ t", "h e", "▁t he", "l l", "▁ H", "▁H e", "▁He ll", "▁Hell o", "▁ w", "o r", "▁w or", "e n", "▁ en", "▁en d", "▁ ▁"];

    public static Dictionary<string, int> MetaspaceVocab()
    {
        var vocab = new Dictionary<string, int> { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
        for (int b = 0; b < 256; b++) vocab[$"<0x{b:X2}>"] = vocab.Count;
        foreach (char c in Metaspace + "thealowrdnHsicf,.") vocab[c.ToString()] = vocab.Count;
        foreach (string merge in MetaspaceMerges) vocab.TryAdd(merge.Replace(" ", ""), vocab.Count);
        return vocab;
    }

    /// <summary>"llama": Metaspace pre-tokenizer, prepend_scheme first (newer Llama-2 files); "legacy": Prepend + Replace
    /// normalizers (older Llama-2 files); "gemma": Replace only, no dummy prefix, and chat tokens.</summary>
    public static JsonObject MetaspaceTokenizerJson(string variant)
    {
        var added = new JsonArray(AddedToken(0, "<unk>"), AddedToken(1, "<s>"), AddedToken(2, "</s>"));
        if (variant == "gemma")
        {
            added.Add(AddedToken(292, "<start_of_turn>"));
            added.Add(AddedToken(293, "<end_of_turn>"));
        }
        JsonNode replace = new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "▁" };
        JsonNode? normalizer = variant switch
        {
            "legacy" => new JsonObject { ["type"] = "Sequence", ["normalizers"] = new JsonArray(new JsonObject { ["type"] = "Prepend", ["prepend"] = "▁" }, replace) },
            "gemma" => replace,
            _ => null,
        };
        JsonNode? preTokenizer = variant == "llama"
            ? new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = "first", ["split"] = false }
            : null;
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = normalizer,
            ["pre_tokenizer"] = preTokenizer,
            ["post_processor"] = BosTemplate("<s>", 1),
            ["decoder"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = variant == "gemma"
                    ? new JsonArray(ReplaceDecoder(), new JsonObject { ["type"] = "ByteFallback" }, new JsonObject { ["type"] = "Fuse" })
                    : new JsonArray(ReplaceDecoder(), new JsonObject { ["type"] = "ByteFallback" }, new JsonObject { ["type"] = "Fuse" },
                        new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            },
            ["model"] = BpeModel(MetaspaceVocab(), new JsonArray(MetaspaceMerges.Select(m => (JsonNode)m).ToArray()), byteFallback: true, unk: "<unk>"),
        };
    }

    static JsonObject ReplaceDecoder() => new() { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "▁" }, ["content"] = " " };

    static JsonObject BpeModel(Dictionary<string, int> vocab, JsonArray merges, bool byteFallback, string? unk) => new()
    {
        ["type"] = "BPE",
        ["dropout"] = null,
        ["unk_token"] = unk,
        ["continuing_subword_prefix"] = null,
        ["end_of_word_suffix"] = null,
        ["fuse_unk"] = byteFallback,
        ["byte_fallback"] = byteFallback,
        ["vocab"] = JsonSerializer.SerializeToNode(vocab),
        ["merges"] = merges,
    };

    static JsonObject AddedToken(int id, string content) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
    };

    static JsonObject BosTemplate(string bos, int id) => new()
    {
        ["type"] = "TemplateProcessing",
        ["single"] = new JsonArray(
            new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = bos, ["type_id"] = 0 } },
            new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } }),
        ["pair"] = new JsonArray(
            new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = bos, ["type_id"] = 0 } },
            new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
            new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "B", ["type_id"] = 1 } }),
        ["special_tokens"] = new JsonObject { [bos] = new JsonObject { ["id"] = bos, ["ids"] = new JsonArray(id), ["tokens"] = new JsonArray(bos) } },
    };

    public static string Serialize(JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Writes <paramref name="node"/> as <paramref name="name"/> in <paramref name="folder"/>; returns the path.</summary>
    public static string Write(string folder, string name, JsonNode node)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, Serialize(node));
        return path;
    }
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("steerlab-tokenizer-").FullName;
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
