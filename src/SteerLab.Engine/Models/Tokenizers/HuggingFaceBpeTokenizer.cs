namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>A BPE tokenizer from a Hugging Face tokenizer.json: byte-level (GPT-2 style, Llama-3, Qwen) or
/// SentencePiece-style with '▁' and byte fallback (Llama-2, Mistral, Gemma). No library loads tokenizer.json, so
/// <see cref="TokenizerJson"/> reads it and the vocabulary and merges go to Microsoft.ML.Tokenizers' BpeTokenizer.</summary>
public sealed class HuggingFaceBpeTokenizer : ITextTokenizer
{
    public const string FileName = "tokenizer.json";

    readonly IBpeCodec codec;
    readonly SpecialTokenIds special;

    HuggingFaceBpeTokenizer(IBpeCodec codec, SpecialTokenIds special)
    {
        this.codec = codec;
        this.special = special;
    }

    public int? BosId => special.Bos;
    public int? EosId => special.Eos;
    public IReadOnlyList<int> StopIds => special.Stop;

    /// <param name="config">The model directory's tokenizer_config.json (BOS/EOS names, add_bos_token); without it BOS
    /// is the token the file's post-processor puts first, if any.</param>
    /// <exception cref="TokenizerFormatException">The file is malformed or not a BPE tokenizer we can run.</exception>
    public static HuggingFaceBpeTokenizer Load(string tokenizerJsonPath, TokenizerConfig? config = null)
    {
        var json = TokenizerJson.Read(tokenizerJsonPath);
        config ??= TokenizerConfig.Empty;
        // tokenizer_config.json's added_tokens_decoder repeats tokenizer.json's added tokens; the latter win.
        var added = json.AddedTokens.Concat(config.AddedTokens.Where(c => json.AddedTokens.All(t => t.Id != c.Id))).ToList();
        IBpeCodec codec = json.ByteLevel
            ? new ByteLevelBpe(json.Vocab, json.Merges, added, json.SplitPatterns, json.AddPrefixSpace, json.IgnoreMerges)
            : new MetaspaceBpe(json.Vocab, json.Merges, added, json.MetaspacePrefix, json.MetaspaceSplit,
                json.ByteFallback, json.UnkToken, json.FuseUnk, json.UnicodeForm);
        // Byte-level vocabularies without a named BOS (GPT-2) use <|endoftext|> for both ends.
        string? defaultBos = json.PostProcessorBos ?? (json.ByteLevel ? "<|endoftext|>" : null);
        string? defaultEos = json.ByteLevel ? "<|endoftext|>" : null;
        return new HuggingFaceBpeTokenizer(codec, config.Resolve(codec.IdOf, defaultBos, defaultEos));
    }

    public IReadOnlyList<int> Encode(string text, bool addBos)
    {
        var ids = codec.Encode(text);
        if (addBos && BosId is { } bos) ids.Insert(0, bos);
        return ids;
    }

    public string Decode(IReadOnlyList<int> ids) => codec.Decode(ids.Where(id => !special.SkippedByDecode.Contains(id)));
}
