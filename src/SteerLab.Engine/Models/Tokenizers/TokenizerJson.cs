using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>The parts of a Hugging Face tokenizer.json that a BPE tokenizer needs, read and validated strictly: anything
/// malformed, or a component we would silently get wrong, is a <see cref="TokenizerFormatException"/>.</summary>
sealed record TokenizerJson(
    IReadOnlyDictionary<string, int> Vocab,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    string? UnkToken,
    bool ByteFallback,
    bool FuseUnk,
    bool IgnoreMerges,
    bool ByteLevel,
    IReadOnlyList<Regex> SplitPatterns,
    bool AddPrefixSpace,
    bool Metaspace,
    MetaspacePrefix MetaspacePrefix,
    bool MetaspaceSplit,
    NormalizationForm? UnicodeForm,
    string? PostProcessorBos)
{
    public static TokenizerJson Read(string file)
    {
        var root = StrictJsonNode.Parse(file);
        var model = root.Required("model");
        if (model.OptionalString("type") is { } type && type != "BPE")
            throw model.Required("type").Error($"only BPE tokenizers are supported, found '{type}'");
        foreach (string key in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model.OptionalString(key) is { Length: > 0 } affix)
                throw model.Required(key).Error($"'{affix}' is not supported (byte-level and SentencePiece-style BPE use none)");

        var vocab = ReadVocab(model.Required("vocab"));
        var added = root.TryGet("added_tokens", out var addedNode) ? ReadAddedTokens(addedNode, vocab) : [];
        var merges = ReadMerges(model.Required("merges"), vocab);
        string? unk = model.OptionalString("unk_token");
        if (unk is not null && !vocab.ContainsKey(unk) && added.All(t => t.Content != unk))
            throw model.Required("unk_token").Error($"'{unk}' is neither in the vocabulary nor an added token");

        var result = new TokenizerJson(vocab, merges, added, unk,
            ByteFallback: model.OptionalBool("byte_fallback") ?? false,
            FuseUnk: model.OptionalBool("fuse_unk") ?? false,
            IgnoreMerges: model.OptionalBool("ignore_merges") ?? false,
            ByteLevel: false, SplitPatterns: [], AddPrefixSpace: false,
            Metaspace: false, MetaspacePrefix: MetaspacePrefix.Never, MetaspaceSplit: false,
            UnicodeForm: null, PostProcessorBos: null);
        if (root.TryGet("normalizer", out var normalizer)) result = result.WithNormalizer(normalizer);
        if (root.TryGet("pre_tokenizer", out var preTokenizer)) result = result.WithPreTokenizer(preTokenizer);
        if (root.TryGet("post_processor", out var postProcessor)) result = result with { PostProcessorBos = LeadingSpecialToken(postProcessor) };

        if (!result.ByteLevel && !result.Metaspace)
            throw root.Error("neither a byte-level (ByteLevel pre-tokenizer) nor a SentencePiece-style ('▁' for spaces) BPE tokenizer");
        if (result.ByteLevel && result.Metaspace)
            throw root.Error("mixes a ByteLevel pre-tokenizer with '▁' space replacement");
        if (result.Metaspace && result.SplitPatterns.Count > 0)
            throw root.Required("pre_tokenizer").Error("regex splitting is supported only with a ByteLevel pre-tokenizer");
        return result;
    }

    static Dictionary<string, int> ReadVocab(StrictJsonNode node)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokenOfId = new Dictionary<int, string>();
        foreach (var (token, value) in node.Members())
        {
            int id = value.Int();
            if (id < 0) throw value.Error("a token id must not be negative");
            if (!tokenOfId.TryAdd(id, token)) throw value.Error($"id {id} is also the id of {JsonSerializer.Serialize(tokenOfId[id])}");
            vocab[token] = id;
        }
        if (vocab.Count == 0) throw node.Error("the vocabulary is empty");
        return vocab;
    }

    static List<AddedToken> ReadAddedTokens(StrictJsonNode node, Dictionary<string, int> vocab) =>
        node.Items().Select(item =>
        {
            var id = item.Required("id");
            if (id.Int() < 0) throw id.Error("a token id must not be negative");
            string content = item.Required("content").String();
            if (content.Length == 0) throw item.Required("content").Error("an added token must not be empty");
            // Hugging Face would silently renumber such a token; the file is inconsistent, so say so.
            if (vocab.TryGetValue(content, out int vocabId) && vocabId != id.Int())
                throw item.Error($"added token {JsonSerializer.Serialize(content)} has id {id.Int()} but the vocabulary gives it {vocabId}");
            return new AddedToken(id.Int(), content, item.OptionalBool("special") ?? false);
        }).ToList();

    // Merges are "left right" strings (older files) or ["left", "right"] pairs (newer files).
    static List<(string, string)> ReadMerges(StrictJsonNode node, Dictionary<string, int> vocab)
    {
        var merges = new List<(string, string)>();
        foreach (var item in node.Items())
        {
            string left, right;
            if (item.Kind == JsonValueKind.Array)
            {
                var parts = item.Items().ToList();
                if (parts.Count != 2) throw item.Error($"a merge must have 2 parts, found {parts.Count}");
                (left, right) = (parts[0].String(), parts[1].String());
                if (left.Contains(' ') || right.Contains(' '))
                    throw item.Error("a merge part contains a space, which Microsoft.ML.Tokenizers' BpeOptions cannot express");
            }
            else
            {
                var parts = item.String().Split(' ');
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                    throw item.Error($"a merge must be two tokens separated by one space, found {JsonSerializer.Serialize(item.String())}");
                (left, right) = (parts[0], parts[1]);
            }
            foreach (string token in new[] { left, right, left + right })
                if (!vocab.ContainsKey(token)) throw item.Error($"merge uses {JsonSerializer.Serialize(token)}, which is not in the vocabulary");
            merges.Add((left, right));
        }
        return merges;
    }

    TokenizerJson WithNormalizer(StrictJsonNode node)
    {
        string type = node.Required("type").String();
        switch (type)
        {
            case "Sequence":
                return node.Required("normalizers").Items().Aggregate(this, (result, child) => result.WithNormalizer(child));
            case "Replace" when ReplacesSpaceWithMetaspace(node):
                return this with { Metaspace = true };
            case "Prepend" when node.Required("prepend").String() == MetaspaceBpe.Space.ToString():
                return this with { MetaspacePrefix = MetaspacePrefix.PrependNormalizer };
            case "NFC": return this with { UnicodeForm = NormalizationForm.FormC };
            case "NFKC": return this with { UnicodeForm = NormalizationForm.FormKC };
            case "NFD": return this with { UnicodeForm = NormalizationForm.FormD };
            case "NFKD": return this with { UnicodeForm = NormalizationForm.FormKD };
            default:
                throw node.Required("type").Error($"normalizer '{type}' (with these settings) is not supported");
        }
    }

    static bool ReplacesSpaceWithMetaspace(StrictJsonNode node) =>
        node.Required("pattern").OptionalString("String") == " " && node.Required("content").String() == MetaspaceBpe.Space.ToString();

    TokenizerJson WithPreTokenizer(StrictJsonNode node)
    {
        string type = node.Required("type").String();
        switch (type)
        {
            case "Sequence":
                return node.Required("pretokenizers").Items().Aggregate(this, (result, child) => result.WithPreTokenizer(child));
            case "ByteLevel":
                var patterns = (node.OptionalBool("use_regex") ?? true)
                    ? SplitPatterns.Append(new Regex(ByteLevelBpe.Gpt2Pattern, RegexOptions.Compiled)).ToList() : SplitPatterns;
                return this with { ByteLevel = true, AddPrefixSpace = node.OptionalBool("add_prefix_space") ?? true, SplitPatterns = patterns };
            case "Split":
                if (node.Required("behavior").String() != "Isolated") throw node.Required("behavior").Error("only 'Isolated' splitting is supported");
                if (node.OptionalBool("invert") == true) throw node.Required("invert").Error("inverted splitting is not supported");
                return this with { SplitPatterns = [.. SplitPatterns, SplitRegex(node.Required("pattern"))] };
            case "Digits":
                string digits = node.OptionalBool("individual_digits") == true ? @"\p{N}" : @"\p{N}+";
                return this with { SplitPatterns = [.. SplitPatterns, new Regex(digits, RegexOptions.Compiled)] };
            case "Metaspace":
                if (node.OptionalString("replacement") is { } r && r != MetaspaceBpe.Space.ToString())
                    throw node.Required("replacement").Error($"only '{MetaspaceBpe.Space}' is supported as the replacement");
                return this with { Metaspace = true, MetaspacePrefix = ReadPrependScheme(node), MetaspaceSplit = node.OptionalBool("split") ?? true };
            default:
                throw node.Required("type").Error($"pre-tokenizer '{type}' is not supported");
        }
    }

    static MetaspacePrefix ReadPrependScheme(StrictJsonNode node)
    {
        if (node.TryGet("prepend_scheme", out var scheme))
            return scheme.String() switch
            {
                "first" => MetaspacePrefix.First,
                "always" => MetaspacePrefix.Always,
                "never" => MetaspacePrefix.Never,
                var other => throw scheme.Error($"unknown prepend_scheme '{other}'"),
            };
        // Files older than prepend_scheme say add_prefix_space, which prepended to every run.
        return node.OptionalBool("add_prefix_space") ?? true ? MetaspacePrefix.Always : MetaspacePrefix.Never;
    }

    static Regex SplitRegex(StrictJsonNode pattern)
    {
        if (pattern.OptionalString("String") is { } literal) return new Regex(Regex.Escape(literal), RegexOptions.Compiled);
        var regex = pattern.Required("Regex");
        try { return new Regex(regex.String(), RegexOptions.Compiled); }
        catch (ArgumentException e) { throw regex.Error($"a regex .NET cannot compile: {e.Message}"); }
    }

    /// <summary>The special token a TemplateProcessing post-processor puts before the text (the BOS it adds), if any.</summary>
    static string? LeadingSpecialToken(StrictJsonNode node)
    {
        string type = node.Required("type").String();
        if (type == "Sequence")
            return node.Required("processors").Items().Select(LeadingSpecialToken).FirstOrDefault(t => t is not null);
        if (type != "TemplateProcessing") return null;
        var first = node.Required("single").Items().FirstOrDefault();
        return first.Kind == JsonValueKind.Object && first.TryGet("SpecialToken", out var special) ? special.Required("id").String() : null;
    }
}
