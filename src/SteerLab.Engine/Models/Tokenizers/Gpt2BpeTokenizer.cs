using System.Text.RegularExpressions;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>GPT-2's byte-level BPE from vocab.json + merges.txt. Microsoft.ML.Tokenizers matches GPT-2 only in byte-level
/// mode with GPT-2's regex pre-tokenizer (its default pre-tokenizer drops whitespace, and CodeGenTokenizer emits an
/// out-of-vocabulary id for runs of spaces); <see cref="ByteLevelBpe"/> sets that up.</summary>
public sealed class Gpt2BpeTokenizer : ITextTokenizer
{
    public const string VocabFileName = "vocab.json";
    public const string MergesFileName = "merges.txt";
    const string EndOfText = "<|endoftext|>";

    readonly ByteLevelBpe codec;
    readonly SpecialTokenIds special;

    Gpt2BpeTokenizer(ByteLevelBpe codec, SpecialTokenIds special)
    {
        this.codec = codec;
        this.special = special;
    }

    /// <summary>GPT-2 has one special token, &lt;|endoftext|&gt;: it is BOS (as TransformerLens prepends it) and EOS,
    /// unless tokenizer_config.json says otherwise.</summary>
    public int? BosId => special.Bos;
    public int? EosId => special.Eos;
    public IReadOnlyList<int> StopIds => special.Stop;

    /// <exception cref="TokenizerFormatException">vocab.json or merges.txt is malformed.</exception>
    public static Gpt2BpeTokenizer Load(string vocabJsonPath, string mergesTxtPath, TokenizerConfig? config = null)
    {
        config ??= TokenizerConfig.Empty;
        var vocab = ReadVocab(vocabJsonPath);
        var merges = ReadMerges(mergesTxtPath, vocab);
        var added = config.AddedTokens.ToList();
        if (vocab.TryGetValue(EndOfText, out int endOfText) && added.All(t => t.Content != EndOfText))
            added.Add(new AddedToken(endOfText, EndOfText, Special: true));
        var codec = new ByteLevelBpe(vocab, merges, added, [new Regex(ByteLevelBpe.Gpt2Pattern, RegexOptions.Compiled)]);
        return new Gpt2BpeTokenizer(codec, config.Resolve(codec.IdOf, EndOfText, EndOfText));
    }

    static Dictionary<string, int> ReadVocab(string path)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (token, value) in StrictJsonNode.Parse(path).Members())
        {
            vocab[token] = value.Int();
            if (vocab[token] < 0) throw value.Error("a token id must not be negative");
        }
        return vocab;
    }

    // merges.txt: an optional "#version" line, then one "left right" pair per line, highest priority first.
    static List<(string, string)> ReadMerges(string path, Dictionary<string, int> vocab)
    {
        var merges = new List<(string, string)>();
        int lineNumber = 0;
        using var lines = new StringReader(TokenizerFileReader.ReadAllText(path));
        for (string? line = lines.ReadLine(); line is not null; line = lines.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new TokenizerFormatException(path, $"line {lineNumber}", $"expected two tokens separated by one space, found '{line}'");
            foreach (string token in new[] { parts[0], parts[1], parts[0] + parts[1] })
                if (!vocab.ContainsKey(token))
                    throw new TokenizerFormatException(path, $"line {lineNumber}", $"merge uses '{token}', which is not in {VocabFileName}");
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    public IReadOnlyList<int> Encode(string text, bool addBos)
    {
        var ids = codec.Encode(text);
        if (addBos && BosId is { } bos) ids.Insert(0, bos);
        return ids;
    }

    public string Decode(IReadOnlyList<int> ids) => codec.Decode(ids.Where(id => !special.SkippedByDecode.Contains(id)));
}
