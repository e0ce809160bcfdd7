using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Tests.Tokenizers;

/// <summary>GPT-2 byte-level BPE from vocab.json + merges.txt. Expected ids: Hugging Face tokenizers on the same files
/// (see <see cref="TinyTokenizerFiles"/>).</summary>
public sealed class Gpt2BpeTokenizerTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly Gpt2BpeTokenizer tokenizer;

    public Gpt2BpeTokenizerTests()
    {
        TinyTokenizerFiles.WriteGpt2VocabAndMerges(folder.Path);
        tokenizer = Gpt2BpeTokenizer.Load(Path.Combine(folder.Path, "vocab.json"), Path.Combine(folder.Path, "merges.txt"));
    }

    public void Dispose() => folder.Dispose();

    /// <summary>Spaces, runs of spaces, newlines, tabs, punctuation, contractions, non-ASCII, and &lt;|endoftext|&gt;
    /// written in text.</summary>
    public static TheoryData<string, int[], string> Cases => new()
    {
        { "the the", new[] { 116, 257, 258 }, "the the" },
        { "it's the café ☕", new[] { 260, 261, 258, 267, 32, 226, 152, 149 }, "it's the café ☕" },
        { "a   b", new[] { 97, 259, 32, 98 }, "a   b" },
        { "x\n\ny", new[] { 120, 10, 10, 121 }, "x\n\ny" },
        { "Hello, world!!", new[] { 72, 101, 269, 111, 44, 270, 111, 114, 108, 100, 268 }, "Hello, world!!" },
        { " the\n\n", new[] { 258, 262 }, " the\n\n" },
        { "<|endoftext|>the", new[] { 271, 116, 257 }, "the" },
        { "tab\there  ", new[] { 116, 97, 98, 9, 257, 114, 101, 259 }, "tab\there  " },
        { "", Array.Empty<int>(), "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_MatchesHuggingFaceGpt2Ids(string text, int[] expectedIds, string _) =>
        Assert.Equal(expectedIds, tokenizer.Encode(text, addBos: false));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_RoundTripsTextAndDropsEndOfText(string text, int[] ids, string expectedText)
    {
        Assert.Equal(expectedText, tokenizer.Decode(ids));
        if (!text.Contains("<|endoftext|>")) Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: true)));
    }

    [Fact]
    public void EndOfText_IsBosAndEos()
    {
        Assert.Equal(TinyTokenizerFiles.EndOfTextId, tokenizer.BosId);
        Assert.Equal(TinyTokenizerFiles.EndOfTextId, tokenizer.EosId);
        Assert.Empty(tokenizer.StopIds);
        Assert.Equal(new[] { TinyTokenizerFiles.EndOfTextId, 116, 257 }, tokenizer.Encode("the", addBos: true));
        Assert.Equal(new[] { TinyTokenizerFiles.EndOfTextId }, tokenizer.Encode("", addBos: true));
    }

    [Fact]
    public void MalformedMergesLine_ThrowsNamingFileAndLine()
    {
        File.AppendAllText(Path.Combine(folder.Path, "merges.txt"), "a b c\n");
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Gpt2BpeTokenizer.Load(Path.Combine(folder.Path, "vocab.json"), Path.Combine(folder.Path, "merges.txt")));
        Assert.EndsWith("merges.txt", error.FilePath);
        Assert.Equal($"line {TinyTokenizerFiles.ByteLevelMerges.Length + 2}", error.Location);
        Assert.Contains("merges.txt", error.Message);
    }

    [Fact]
    public void MergeOfUnknownToken_Throws()
    {
        File.AppendAllText(Path.Combine(folder.Path, "merges.txt"), "Ġ zzz\n");
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Gpt2BpeTokenizer.Load(Path.Combine(folder.Path, "vocab.json"), Path.Combine(folder.Path, "merges.txt")));
        Assert.Contains("'zzz'", error.Message);
    }

    [Fact]
    public void VocabNotJson_ThrowsNamingFile()
    {
        File.WriteAllText(Path.Combine(folder.Path, "vocab.json"), "{ \"a\": 1,");
        var error = Assert.Throws<TokenizerFormatException>(() =>
            Gpt2BpeTokenizer.Load(Path.Combine(folder.Path, "vocab.json"), Path.Combine(folder.Path, "merges.txt")));
        Assert.EndsWith("vocab.json", error.FilePath);
    }
}
