using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Tests.Support;

namespace SteerLab.Engine.Tests.Tokenizers;

public sealed class TokenizerLoaderTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void EmptyFolder_HasNoTokenizer() => Assert.Null(TokenizerLoader.Load(folder.Path));

    [Fact]
    public void ConfigWithoutTokenizerFiles_HasNoTokenizer()
    {
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"), "{\"add_bos_token\": true}");
        Assert.Null(TokenizerLoader.Load(folder.Path));
    }

    [Fact]
    public void VocabAndMerges_LoadGpt2()
    {
        TinyTokenizerFiles.WriteGpt2VocabAndMerges(folder.Path);
        Assert.IsType<Gpt2BpeTokenizer>(TokenizerLoader.Load(folder.Path));
    }

    [Fact]
    public void TokenizerJson_WinsOverVocabAndMerges()
    {
        TinyTokenizerFiles.WriteGpt2VocabAndMerges(folder.Path);
        TinyTokenizerFiles.Write(folder.Path, "tokenizer.json", TinyTokenizerFiles.Gpt2TokenizerJson());
        Assert.IsType<HuggingFaceBpeTokenizer>(TokenizerLoader.Load(folder.Path));
    }

    [Fact]
    public void MalformedTokenizerConfig_Throws()
    {
        TinyTokenizerFiles.WriteGpt2VocabAndMerges(folder.Path);
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Equal("$.add_bos_token", error.Location);
    }

    [SkippableFact]
    public void Stories260K_LoadsSentencePiece() =>
        Assert.IsType<SentencePieceTokenizer>(TokenizerLoader.Load(SharedData.Require("stories260K")));

    [SkippableFact]
    public void ReferenceModelsWithoutTokenizer_ReturnNull() =>
        Assert.Null(TokenizerLoader.Load(SharedData.Require("reference-models/tiny-gpt2")));
}
