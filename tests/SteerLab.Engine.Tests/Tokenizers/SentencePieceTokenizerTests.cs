using System.Text.Json.Nodes;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Tests.Support;

namespace SteerLab.Engine.Tests.Tokenizers;

/// <summary>stories260K's SentencePiece tokenizer.model against llama2.c's run.c (reference.json).</summary>
public sealed class SentencePieceTokenizerTests
{
    static SentencePieceTokenizer Load() => SentencePieceTokenizer.Load(SharedData.Require("stories260K/tokenizer.model"));

    [SkippableTheory]
    [InlineData("A", new[] { 1, 410, 447 })]
    [InlineData(" x", new[] { 1, 410, 444 })]
    [InlineData("I", new[] { 1, 359 })]
    public void SingleCharacterTexts_AreEncoded(string text, int[] expected)
    {
        // Microsoft.ML.Tokenizers 2.0.1 alone returns no ids for one-character texts; "A." gives [1, 410, 447, 426].
        var tokenizer = Load();
        Assert.Equal(expected, tokenizer.Encode(text, addBos: true));
        Assert.Equal(text.Trim(), tokenizer.Decode(expected));
    }

    [SkippableFact]
    public void Encode_WithBos_MatchesLlama2cPromptIds()
    {
        var tokenizer = Load();
        foreach (var prompt in Stories260K.Prompts)
            Assert.Equal(prompt.PromptIds, tokenizer.Encode(prompt.Text, addBos: true));
    }

    /// <summary>run.c prints each piece as it goes (dropping the space of the piece right after BOS, printing
    /// &lt;0x0A&gt; as a newline) and then one final "\n"; the greedy ids start with BOS, where SentencePiece's rule
    /// (drop the first piece's dummy-prefix space) gives the same text.</summary>
    [SkippableFact]
    public void Decode_GreedyIds_MatchesRuncStdout()
    {
        var tokenizer = Load();
        foreach (var prompt in Stories260K.Prompts)
        {
            Assert.EndsWith("\n", prompt.RuncStdout);
            Assert.Equal(prompt.RuncStdout[..^1], tokenizer.Decode(prompt.GreedyIds));
        }
    }

    [SkippableFact]
    public void StreamDecoder_DeltasConcatenateToRuncStdout()
    {
        var tokenizer = Load();
        foreach (var prompt in Stories260K.Prompts)
        {
            var stream = new TokenStreamDecoder(tokenizer);
            string text = string.Concat(prompt.GreedyIds.Select(stream.Push)) + stream.Flush();
            Assert.Equal(prompt.RuncStdout[..^1], text);
        }
    }

    [SkippableFact]
    public void StreamDecoder_WithPromptContext_EmitsOnlyTheContinuation()
    {
        var tokenizer = Load();
        var prompt = Stories260K.Prompts[0];
        var stream = new TokenStreamDecoder(tokenizer, prompt.PromptIds);
        string continuation = string.Concat(prompt.GreedyIds.Skip(prompt.PromptIds.Length).Select(stream.Push)) + stream.Flush();
        Assert.Equal(prompt.RuncStdout[..^1], prompt.Text + continuation);
    }

    [SkippableFact]
    public void SpecialIds_FromModelAndConfig()
    {
        var tokenizer = Load();
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Empty(tokenizer.StopIds);
        Assert.Equal(new[] { 1 }, tokenizer.Encode("", addBos: true)); // the library alone returns nothing here
        Assert.Equal(new[] { 1, 403, 2 }, tokenizer.Encode("<s>Once</s>", addBos: false)); // written special tokens
        Assert.Equal("Once upon", tokenizer.Decode([1, 403, 407, 2]));
    }

    /// <summary>SentencePiece drops only the leading '▁' of the text's first piece; Microsoft.ML.Tokenizers' own Decode
    /// also drops it after a newline byte ("\nOnce").</summary>
    [SkippableFact]
    public void Decode_KeepsSpaceAfterLeadingBytes()
    {
        var tokenizer = Load();
        Assert.Equal("\n Once", tokenizer.Decode([13, 403]));
        Assert.Equal("☕ Once", tokenizer.Decode([229, 155, 152, 403]));
        Assert.Equal("Once upon", tokenizer.Decode([403, 407]));
    }

    [SkippableFact]
    public void RoundTrip_NonAsciiThroughByteFallback()
    {
        var tokenizer = Load();
        const string text = "Lily saw a ☕ and a café.\nThe end.";
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: true)));
    }

    [SkippableFact]
    public void TokenizerConfig_AddBosFalse_AndAddedTokens()
    {
        string model = SharedData.Require("stories260K/tokenizer.model");
        using var folder = new TempFolder();
        File.Copy(model, Path.Combine(folder.Path, "tokenizer.model"));
        TinyTokenizerFiles.Write(folder.Path, "tokenizer_config.json", new JsonObject
        {
            ["add_bos_token"] = false,
            ["added_tokens_decoder"] = new JsonObject { ["600"] = new JsonObject { ["content"] = "<end_of_turn>", ["special"] = true } },
        });
        var tokenizer = Assert.IsType<SentencePieceTokenizer>(TokenizerLoader.Load(folder.Path));
        Assert.Null(tokenizer.BosId);
        Assert.Equal(new[] { 600 }, tokenizer.StopIds);
        Assert.Equal(new[] { 403, 600 }, tokenizer.Encode("Once<end_of_turn>", addBos: true));
        Assert.Equal("Once", tokenizer.Decode([1, 403]));
    }
}
