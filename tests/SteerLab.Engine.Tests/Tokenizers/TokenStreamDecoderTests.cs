using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Tests.Tokenizers;

public sealed class TokenStreamDecoderTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void CharacterSplitAcrossByteTokens_IsEmittedWhenComplete()
    {
        var tokenizer = HuggingFaceBpeTokenizer.Load(TinyTokenizerFiles.Write(folder.Path, "tokenizer.json", TinyTokenizerFiles.MetaspaceTokenizerJson("gemma")));
        // "a😀b" is a, <0xF0>, <0x9F>, <0x98>, <0x80>, <0x62>.
        var stream = new TokenStreamDecoder(tokenizer);
        var deltas = new[] { 263, 243, 162, 155, 131, 101 }.Select(stream.Push).ToList();
        Assert.Equal(new[] { "a", "", "", "", "😀", "b" }, deltas);
        Assert.Equal("", stream.Flush());
    }

    [Fact]
    public void IncompleteCharacterAtTheEnd_IsFlushedAsReplacement()
    {
        var tokenizer = HuggingFaceBpeTokenizer.Load(TinyTokenizerFiles.Write(folder.Path, "tokenizer.json", TinyTokenizerFiles.MetaspaceTokenizerJson("gemma")));
        var stream = new TokenStreamDecoder(tokenizer);
        Assert.Equal("a", stream.Push(263));
        Assert.Equal("", stream.Push(243));
        Assert.Equal("\uFFFD", stream.Flush());
    }

    [Fact]
    public void LeadingSpaceRule_MatchesWholeDecode()
    {
        var tokenizer = HuggingFaceBpeTokenizer.Load(TinyTokenizerFiles.Write(folder.Path, "tokenizer.json", TinyTokenizerFiles.MetaspaceTokenizerJson("llama")));
        var ids = tokenizer.Encode("Hello world\nthe end ☕", addBos: true);
        var stream = new TokenStreamDecoder(tokenizer);
        Assert.Equal("Hello world\nthe end ☕", string.Concat(ids.Select(stream.Push)) + stream.Flush());
    }

    [Fact]
    public void ByteLevelMultiByteCharacter_StreamsWhole()
    {
        TinyTokenizerFiles.WriteGpt2VocabAndMerges(folder.Path);
        var tokenizer = TokenizerLoader.Load(folder.Path)!;
        var ids = tokenizer.Encode("it's the café ☕", addBos: false);
        var stream = new TokenStreamDecoder(tokenizer);
        var deltas = ids.Select(stream.Push).ToList();
        Assert.DoesNotContain(deltas, d => d.Contains('\uFFFD'));
        Assert.Equal("it's the café ☕", string.Concat(deltas));
    }
}
