using System.Text;
using MlTokenizers = Microsoft.ML.Tokenizers;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>A SentencePiece BPE tokenizer.model (Llama-2, Gemma, llama2.c's stories models). Encoding is Microsoft.ML.Tokenizers'
/// <see cref="MlTokenizers.LlamaTokenizer"/>, which reproduces llama2.c's ids; decoding is our own (see <see cref="Decode"/>).</summary>
public sealed class SentencePieceTokenizer : ITextTokenizer
{
    public const string FileName = "tokenizer.model";
    // SentencePiece's default surface for <unk>.
    const string UnknownSurface = " \u2047 ";

    readonly MlTokenizers.LlamaTokenizer tokenizer;
    readonly SpecialTokenIds special;
    readonly Dictionary<int, string> pieceOfId;
    readonly Dictionary<string, int> idOfPiece;
    readonly bool stripDummyPrefix;
    readonly bool removeExtraWhitespaces;

    SentencePieceTokenizer(MlTokenizers.LlamaTokenizer tokenizer, IReadOnlyDictionary<string, int> specialTokens, TokenizerConfig config)
    {
        this.tokenizer = tokenizer;
        idOfPiece = new Dictionary<string, int>(tokenizer.Vocabulary, StringComparer.Ordinal);
        foreach (var (content, id) in specialTokens) idOfPiece.TryAdd(content, id);
        pieceOfId = idOfPiece.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key);
        removeExtraWhitespaces = tokenizer.Normalizer is MlTokenizers.SentencePieceNormalizer { RemoveExtraWhiteSpaces: true };
        stripDummyPrefix = (tokenizer.AddDummyPrefix || removeExtraWhitespaces) && !tokenizer.TreatWhitespaceAsSuffix;
        special = config.Resolve(token => idOfPiece.TryGetValue(token, out int id) ? id : null,
            tokenizer.BeginningOfSentenceToken, tokenizer.EndOfSentenceToken);
    }

    public int? BosId => special.Bos;
    public int? EosId => special.Eos;
    public IReadOnlyList<int> StopIds => special.Stop;

    /// <param name="config">tokenizer_config.json: add_bos_token (false: no BOS), bos/eos names, and added tokens such as
    /// &lt;start_of_turn&gt; that must be recognised when written in text.</param>
    public static SentencePieceTokenizer Load(string tokenizerModelPath, TokenizerConfig? config = null)
    {
        config ??= TokenizerConfig.Empty;
        byte[] model = TokenizerFileReader.ReadAllBytes(tokenizerModelPath);
        MlTokenizers.LlamaTokenizer probe;
        try { probe = MlTokenizers.LlamaTokenizer.Create(new MemoryStream(model), addBeginOfSentence: false, addEndOfSentence: false); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TokenizerFormatException(tokenizerModelPath, "the model proto", $"not a SentencePiece BPE model Microsoft.ML.Tokenizers can load ({e.Message})");
        }
        // Special tokens must be given when the tokenizer is created, and the model's own BOS/EOS/UNK names are known
        // only after loading it once: so load twice. Text such as "<bos><start_of_turn>" then encodes to those ids.
        var specialTokens = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [probe.BeginningOfSentenceToken] = probe.BeginningOfSentenceId,
            [probe.EndOfSentenceToken] = probe.EndOfSentenceId,
            [probe.UnknownToken] = probe.UnknownId,
        };
        foreach (var token in config.AddedTokens) specialTokens[token.Content] = token.Id;
        var tokenizer = MlTokenizers.LlamaTokenizer.Create(new MemoryStream(model), addBeginOfSentence: false, addEndOfSentence: false, specialTokens);
        return new SentencePieceTokenizer(tokenizer, specialTokens, config);
    }

    public IReadOnlyList<int> Encode(string text, bool addBos)
    {
        var ids = tokenizer.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false).ToList();
        // Microsoft.ML.Tokenizers 2.0.1 returns no ids for a text of one character ("A" → []). Apply SentencePiece's
        // normalisation ourselves (trimmed, dummy prefix '▁', spaces as '▁') and encode without the library's.
        if (ids.Count == 0 && text.Trim().Length > 0)
            ids = tokenizer.EncodeToIds(MetaspaceBpe.Space + text.Trim().Replace(' ', MetaspaceBpe.Space), addBeginningOfSentence: false,
                addEndOfSentence: false, considerPreTokenization: false, considerNormalization: false).ToList();
        // Added ourselves: the library returns no ids at all for "" even when asked for BOS.
        if (addBos && BosId is { } bos) ids.Insert(0, bos);
        return ids;
    }

    /// <summary>SentencePiece's own decoding rules, which the library's Decode does not follow: only the first piece of
    /// the text loses its leading '▁' (the dummy prefix), and not when bytes or text came before it, so [&lt;0x0A&gt;,
    /// "▁Once"] is "\n Once" where the library gives "\nOnce". With remove_extra_whitespaces, as in stories260K, every
    /// leading '▁' is dropped until some text appears. llama2.c drops one space only right after BOS; for ids that start
    /// with BOS, as all its output does, the two rules agree (see the stories260K tests).</summary>
    public string Decode(IReadOnlyList<int> ids)
    {
        var text = new StringBuilder();
        var pendingBytes = new List<byte>();
        bool expectingDummyPrefix = true, consumedDummyPrefix = false;
        foreach (int id in ids)
        {
            if (special.SkippedByDecode.Contains(id)) { consumedDummyPrefix = false; continue; } // control pieces, as SentencePiece
            if (!pieceOfId.TryGetValue(id, out var piece)) continue;
            if (tokenizer.ByteFallback && MetaspaceBpe.TryParseByteToken(piece, out byte b)) { pendingBytes.Add(b); continue; }
            FlushBytes(pendingBytes, text);
            if (consumedDummyPrefix || text.Length > 0) expectingDummyPrefix = false;
            consumedDummyPrefix = false;
            if (id == tokenizer.UnknownId) { text.Append(UnknownSurface); continue; }
            if (expectingDummyPrefix && stripDummyPrefix && piece.StartsWith(MetaspaceBpe.Space))
            {
                piece = piece[1..];
                consumedDummyPrefix = !removeExtraWhitespaces;
            }
            text.Append(piece.Replace(MetaspaceBpe.Space, ' '));
        }
        FlushBytes(pendingBytes, text);
        return text.ToString();
    }

    // Byte pieces spell UTF-8 together; an incomplete or invalid sequence becomes U+FFFD.
    static void FlushBytes(List<byte> bytes, StringBuilder text)
    {
        if (bytes.Count == 0) return;
        text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
        bytes.Clear();
    }
}
