using System.Text.Json.Nodes;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Tests.Tokenizers;

/// <summary>tokenizer.json BPE, byte-level and SentencePiece-style. Expected ids and decoded text: Hugging Face
/// tokenizers 0.22 on the same files (<see cref="TinyTokenizerFiles"/>), except that our Decode keeps special tokens
/// other than BOS/EOS/padding (e.g. &lt;|eot_id|&gt;), where Hugging Face was asked to skip all of them.</summary>
public sealed class HuggingFaceBpeTokenizerTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    HuggingFaceBpeTokenizer Load(JsonObject json) =>
        HuggingFaceBpeTokenizer.Load(TinyTokenizerFiles.Write(folder.Path, "tokenizer.json", json));

    public static TheoryData<string, int[], string> Gpt2Cases => Gpt2BpeTokenizerTests.Cases;

    [Theory]
    [MemberData(nameof(Gpt2Cases))]
    public void ByteLevel_MatchesHuggingFace(string text, int[] expectedIds, string expectedText)
    {
        var tokenizer = Load(TinyTokenizerFiles.Gpt2TokenizerJson());
        Assert.Equal(expectedIds, tokenizer.Encode(text, addBos: false));
        Assert.Equal(expectedText, tokenizer.Decode(expectedIds));
    }

    public static TheoryData<string, int[], string> Llama3Cases => new()
    {
        { "the world", new[] { 116, 257, 271 }, "the world" },
        { "Hello world!!\n\nit's 12345", new[] { 72, 101, 269, 111, 271, 268, 262, 260, 261, 32, 49, 50, 51, 52, 53 }, "Hello world!!\n\nit's 12345" },
        { "  the   world", new[] { 32, 258, 259, 271 }, "  the   world" },
        { "<|begin_of_text|>the<|eot_id|>", new[] { 272, 116, 257, 274 }, "the<|eot_id|>" },
        { "café ☕", new[] { 266, 32, 226, 152, 149 }, "café ☕" },
        { "", Array.Empty<int>(), "" },
    };

    /// <summary>Split regex + ByteLevel, [left, right] merges, and ignore_merges ("Ġworld" has no merges building it).</summary>
    [Theory]
    [MemberData(nameof(Llama3Cases))]
    public void Llama3Style_MatchesHuggingFace(string text, int[] expectedIds, string expectedText)
    {
        var tokenizer = Load(TinyTokenizerFiles.Llama3StyleTokenizerJson());
        Assert.Equal(expectedIds, tokenizer.Encode(text, addBos: false));
        Assert.Equal(expectedText, tokenizer.Decode(expectedIds));
        Assert.Equal(272, tokenizer.BosId); // from the TemplateProcessing post-processor
        Assert.Equal([272, .. expectedIds], tokenizer.Encode(text, addBos: true));
    }

    public static TheoryData<string, string, int[], string> MetaspaceCases => new()
    {
        { "llama", "Hello world", new[] { 284, 287, 264, 268 }, "Hello world" },
        { "llama", "the end\nthe", new[] { 279, 290, 13, 260, 278 }, "the end\nthe" },
        { "llama", "☕ the", new[] { 259, 229, 155, 152, 279 }, "☕ the" },
        { "llama", "  two  spaces", new[] { 259, 277, 266, 265, 291, 271, 115, 263, 273, 262, 271 }, " two  spaces" },
        { "llama", "a😀b", new[] { 259, 263, 243, 162, 155, 131, 101 }, "a😀b" },
        { "llama", "<s>the", new[] { 1, 260, 278 }, "the" },
        { "llama", "café", new[] { 259, 273, 263, 274, 198, 172 }, "café" },
        { "llama", "", Array.Empty<int>(), "" },
        { "llama", " Hello", new[] { 284 }, "Hello" },
        { "llama", "\n", new[] { 259, 13 }, "\n" },
        { "legacy", "Hello world", new[] { 284, 287, 264, 268 }, "Hello world" },
        { "legacy", "the end\nthe", new[] { 279, 290, 13, 260, 278 }, "the end\nthe" },
        { "legacy", "  two  spaces", new[] { 291, 277, 266, 265, 291, 271, 115, 263, 273, 262, 271 }, "  two  spaces" },
        { "legacy", "<s>the", new[] { 1, 279 }, "the" },
        { "legacy", " Hello", new[] { 259, 284 }, " Hello" },
        { "legacy", "\n", new[] { 259, 13 }, "\n" },
        { "gemma", "Hello world", new[] { 270, 262, 280, 265, 287, 264, 268 }, "Hello world" },
        { "gemma", "the end\nthe", new[] { 260, 278, 290, 13, 260, 278 }, "the end\nthe" },
        { "gemma", "☕ the", new[] { 229, 155, 152, 279 }, "☕ the" },
        { "gemma", "a😀b", new[] { 263, 243, 162, 155, 131, 101 }, "a😀b" },
        { "gemma", "<start_of_turn>the<end_of_turn>\n", new[] { 292, 260, 278, 293, 13 }, "<start_of_turn>the<end_of_turn>\n" },
        { "gemma", " Hello", new[] { 284 }, " Hello" },
        { "gemma", "\n", new[] { 13 }, "\n" },
    };

    /// <summary>'▁' for spaces in its three spellings, and byte fallback for what the vocabulary lacks: newline, 'é',
    /// emoji (4 bytes), 'b'.</summary>
    [Theory]
    [MemberData(nameof(MetaspaceCases))]
    public void Metaspace_MatchesHuggingFace(string variant, string text, int[] expectedIds, string expectedText)
    {
        var tokenizer = Load(TinyTokenizerFiles.MetaspaceTokenizerJson(variant));
        Assert.Equal(expectedIds, tokenizer.Encode(text, addBos: false));
        Assert.Equal(expectedText, tokenizer.Decode(expectedIds));
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal([1, .. expectedIds], tokenizer.Encode(text, addBos: true));
    }

    [Fact]
    public void Metaspace_NeverEmitsUnknownForNewlines()
    {
        var tokenizer = Load(TinyTokenizerFiles.MetaspaceTokenizerJson("llama"));
        var ids = tokenizer.Encode("the\n\nend\r\n\tthe", addBos: false);
        Assert.DoesNotContain(0, ids);
        Assert.Equal("the\n\nend\r\n\tthe", tokenizer.Decode(ids));
    }

    [Fact]
    public void FileWithByteOrderMark_Loads()
    {
        string path = Path.Combine(folder.Path, "tokenizer.json");
        File.WriteAllText(path, TinyTokenizerFiles.Serialize(TinyTokenizerFiles.Gpt2TokenizerJson()), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(new[] { 116, 257, 258 }, HuggingFaceBpeTokenizer.Load(path).Encode("the the", addBos: false));
    }

    [Fact]
    public void TokenizerConfig_NamesEosAndEndOfTurnStops()
    {
        TinyTokenizerFiles.Write(folder.Path, "tokenizer.json", TinyTokenizerFiles.Llama3StyleTokenizerJson());
        TinyTokenizerFiles.Write(folder.Path, "tokenizer_config.json", new JsonObject
        {
            ["bos_token"] = "<|begin_of_text|>",
            ["eos_token"] = "<|end_of_text|>",
            ["chat_template"] = "{{ '<|start_header_id|>' }}",
        });
        var tokenizer = Assert.IsType<HuggingFaceBpeTokenizer>(TokenizerLoader.Load(folder.Path));
        Assert.Equal(272, tokenizer.BosId);
        Assert.Equal(273, tokenizer.EosId);
        Assert.Equal(new[] { 274 }, tokenizer.StopIds);
        Assert.Equal("the<|eot_id|>", tokenizer.Decode([272, 116, 257, 274, 273]));
    }

    [Fact]
    public void AddBosTokenFalse_MeansNoBos()
    {
        TinyTokenizerFiles.Write(folder.Path, "tokenizer.json", TinyTokenizerFiles.MetaspaceTokenizerJson("llama"));
        TinyTokenizerFiles.Write(folder.Path, "tokenizer_config.json", new JsonObject { ["add_bos_token"] = false });
        var tokenizer = TokenizerLoader.Load(folder.Path)!;
        Assert.Null(tokenizer.BosId);
        Assert.Equal(new[] { 279 }, tokenizer.Encode("the", addBos: true));
    }
}
