using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>Where a SentencePiece-style tokenizer puts a '▁' before the text (Hugging Face Metaspace prepend_scheme, or
/// the older Prepend normalizer, which prepends to every run of text unconditionally).</summary>
enum MetaspacePrefix { Never, First, Always, PrependNormalizer }

/// <summary>SentencePiece-style BPE from a tokenizer.json (Llama-2, Mistral, Gemma): spaces become '▁', merges run over
/// characters in Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>, and characters missing from the vocabulary become
/// &lt;0xNN&gt; byte tokens (byte_fallback), which the library cannot do: it would emit &lt;unk&gt; or nothing.</summary>
sealed class MetaspaceBpe : IBpeCodec
{
    public const char Space = '\u2581';

    readonly BpeTokenizer bpe;
    readonly AddedTokenMatcher matcher;
    readonly IReadOnlyDictionary<string, int> vocab;
    readonly Dictionary<int, string> tokenOfId;
    readonly Dictionary<int, string> addedContentOfId;
    readonly Dictionary<string, int> addedIdOfContent;
    readonly MetaspacePrefix prefix;
    readonly bool splitWords;
    readonly int?[]? byteTokenIds; // [256] when byte_fallback is on
    readonly int? unkId;
    readonly bool fuseUnk;
    readonly NormalizationForm? unicodeForm;

    public MetaspaceBpe(IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges,
        IReadOnlyList<AddedToken> addedTokens, MetaspacePrefix prefix, bool splitWords, bool byteFallback,
        string? unkToken, bool fuseUnk, NormalizationForm? unicodeForm = null)
    {
        this.vocab = vocab;
        this.prefix = prefix;
        this.splitWords = splitWords;
        this.fuseUnk = fuseUnk;
        this.unicodeForm = unicodeForm;
        bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges.Select(m => $"{m.Left} {m.Right}").ToList(),
            PreTokenizer = ByteLevelBpe.WholeText,
        });
        tokenOfId = vocab.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key);
        addedContentOfId = addedTokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First().Content);
        addedIdOfContent = addedTokens.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First().Id);
        matcher = new AddedTokenMatcher(addedTokens);
        unkId = unkToken is null ? null : IdOf(unkToken);
        if (byteFallback)
            byteTokenIds = Enumerable.Range(0, 256).Select(b => vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : (int?)null).ToArray();
    }

    public int? IdOf(string token) =>
        addedIdOfContent.TryGetValue(token, out int added) ? added : vocab.TryGetValue(token, out int id) ? id : null;

    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        bool atTextStart = true;
        foreach (var (run, token) in matcher.Split(text))
        {
            if (token is not null) { ids.Add(token.Id); atTextStart = false; continue; }
            string normalized = (unicodeForm is { } form ? run.Normalize(form) : run).Replace(' ', Space);
            bool startsWithSpace = normalized.StartsWith(Space);
            normalized = prefix switch
            {
                MetaspacePrefix.Always when !startsWithSpace => Space + normalized,
                MetaspacePrefix.First when atTextStart && !startsWithSpace => Space + normalized,
                MetaspacePrefix.PrependNormalizer => Space + normalized,
                _ => normalized,
            };
            atTextStart = false;
            foreach (string word in splitWords ? SplitBeforeSpaces(normalized) : [normalized]) EncodeWord(word, ids);
        }
        return ids;
    }

    // Metaspace split=true: each word keeps its leading '▁' (Hugging Face "MergedWithNext").
    static IEnumerable<string> SplitBeforeSpaces(string text)
    {
        int start = 0;
        for (int i = 1; i < text.Length; i++)
            if (text[i] == Space) { yield return text[start..i]; start = i; }
        if (start < text.Length) yield return text[start..];
    }

    // Runs of characters the vocabulary knows go through BPE; no merge can involve an unknown character, so cutting the
    // word there gives the same merges as Hugging Face's BPE, which then replaces each unknown character by its bytes.
    void EncodeWord(string word, List<int> ids)
    {
        int runStart = 0;
        bool lastWasUnk = false;
        for (int i = 0; i < word.Length;)
        {
            int length = char.IsSurrogatePair(word, i) ? 2 : 1;
            string character = word.Substring(i, length);
            if (!vocab.ContainsKey(character))
            {
                if (i > runStart) { ids.AddRange(bpe.EncodeToIds(word[runStart..i])); lastWasUnk = false; }
                lastWasUnk = AppendUnknown(character, ids, lastWasUnk);
                runStart = i + length;
            }
            i += length;
        }
        if (runStart < word.Length) ids.AddRange(bpe.EncodeToIds(word[runStart..]));
    }

    /// <returns>Whether an unknown-token id was emitted (for fuse_unk).</returns>
    bool AppendUnknown(string character, List<int> ids, bool lastWasUnk)
    {
        if (byteTokenIds is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(character);
            if (bytes.All(b => byteTokenIds[b] is not null))
            {
                ids.AddRange(bytes.Select(b => byteTokenIds[b]!.Value));
                return false;
            }
        }
        if (unkId is not { } unk) return lastWasUnk; // Hugging Face drops the character when there is no unk token.
        if (!(fuseUnk && lastWasUnk)) ids.Add(unk);
        return true;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if (addedContentOfId.TryGetValue(id, out var content)) bytes.AddRange(Encoding.UTF8.GetBytes(content));
            else if (!tokenOfId.TryGetValue(id, out var token)) continue;
            else if (byteTokenIds is not null && TryParseByteToken(token, out byte b)) bytes.Add(b);
            else bytes.AddRange(Encoding.UTF8.GetBytes(token.Replace(Space, ' ')));
        }
        string text = Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes));
        // The '▁' the encoder prepended is not part of the text (Hugging Face's Metaspace/Strip decoders).
        return prefix != MetaspacePrefix.Never && text.StartsWith(' ') ? text[1..] : text;
    }

    internal static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }
}
