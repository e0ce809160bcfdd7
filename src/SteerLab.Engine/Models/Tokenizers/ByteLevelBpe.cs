using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>Byte-level BPE (GPT-2, Llama-3, Qwen): added tokens are cut out first, the rest is split by regexes, and each
/// piece is spelled in <see cref="ByteLevelAlphabet"/> and merged by Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>.</summary>
sealed class ByteLevelBpe : IBpeCodec
{
    /// <summary>GPT-2's pre-tokenizer regex (also the Hugging Face ByteLevel pre-tokenizer's).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>We split text ourselves, so the library must take each piece whole; a null pre-tokenizer would make it
    /// fall back to its word/non-word splitter, which drops whitespace.</summary>
    internal static readonly PreTokenizer WholeText = new RegexPreTokenizer(new Regex(@"[\s\S]+", RegexOptions.Compiled), null);

    readonly BpeTokenizer bpe;
    readonly IReadOnlyList<Regex> splitPatterns;
    readonly AddedTokenMatcher matcher;
    readonly IReadOnlyDictionary<string, int> vocab;
    readonly Dictionary<int, string> tokenOfId;
    readonly Dictionary<int, string> addedContentOfId;
    readonly Dictionary<string, int> addedIdOfContent;
    readonly bool addPrefixSpace;
    readonly bool ignoreMerges;

    /// <param name="splitPatterns">Applied in order, each splitting every piece into matches and the text between them.</param>
    /// <param name="addPrefixSpace">Prepend a space to each run of text that lacks one (Hugging Face add_prefix_space).</param>
    /// <param name="ignoreMerges">A piece that is itself in the vocabulary becomes that token without merging
    /// (Hugging Face ignore_merges, as Llama-3 uses; tiktoken's rule).</param>
    public ByteLevelBpe(IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges,
        IReadOnlyList<AddedToken> addedTokens, IReadOnlyList<Regex> splitPatterns, bool addPrefixSpace = false, bool ignoreMerges = false)
    {
        this.vocab = vocab;
        this.splitPatterns = splitPatterns;
        this.addPrefixSpace = addPrefixSpace;
        this.ignoreMerges = ignoreMerges;
        bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges.Select(m => $"{m.Left} {m.Right}").ToList(),
            ByteLevel = true,
            PreTokenizer = WholeText,
        });
        tokenOfId = vocab.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key);
        addedContentOfId = addedTokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First().Content);
        addedIdOfContent = addedTokens.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First().Id);
        matcher = new AddedTokenMatcher(addedTokens);
    }

    /// <summary>The id of a token written as text (an added token, or a vocabulary entry in byte-level spelling).</summary>
    public int? IdOf(string token) =>
        addedIdOfContent.TryGetValue(token, out int added) ? added : vocab.TryGetValue(token, out int id) ? id : null;

    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        foreach (var (run, token) in matcher.Split(text))
        {
            if (token is not null) { ids.Add(token.Id); continue; }
            string segment = addPrefixSpace && !run.StartsWith(' ') ? " " + run : run;
            foreach (string piece in Pieces(segment))
            {
                if (ignoreMerges && vocab.TryGetValue(ByteLevelAlphabet.Encode(piece), out int whole)) ids.Add(whole);
                else ids.AddRange(bpe.EncodeToIds(piece));
            }
        }
        return ids;
    }

    IEnumerable<string> Pieces(string segment)
    {
        IEnumerable<string> pieces = [segment];
        foreach (var pattern in splitPatterns) pieces = pieces.SelectMany(p => SplitIsolated(p, pattern));
        return pieces;
    }

    /// <summary>Matches and the gaps between them, in order (Hugging Face Split with behavior "Isolated").</summary>
    internal static IEnumerable<string> SplitIsolated(string text, Regex pattern)
    {
        int at = 0;
        for (var match = pattern.Match(text); match.Success; match = match.NextMatch())
        {
            if (match.Length == 0) continue;
            if (match.Index > at) yield return text[at..match.Index];
            yield return match.Value;
            at = match.Index + match.Length;
        }
        if (at < text.Length) yield return text[at..];
    }

    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if (addedContentOfId.TryGetValue(id, out var content)) bytes.AddRange(Encoding.UTF8.GetBytes(content));
            else if (tokenOfId.TryGetValue(id, out var token)) ByteLevelAlphabet.AppendBytes(token, bytes);
        }
        // Invalid or incomplete UTF-8 (a character cut between tokens) becomes U+FFFD, as in Hugging Face's decoder.
        return Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes));
    }
}
