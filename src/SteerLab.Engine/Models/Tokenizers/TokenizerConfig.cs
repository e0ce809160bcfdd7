using System.Text.Json;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>What a model directory's tokenizer_config.json and generation_config.json say about special tokens and chat
/// formatting. Both files are optional; keys they lack stay null or empty.</summary>
public sealed record TokenizerConfig
{
    public const string FileName = "tokenizer_config.json";
    public const string GenerationFileName = "generation_config.json";

    /// <summary>End-of-turn tokens of common chat models; any present in a vocabulary also stops generation.</summary>
    static readonly string[] EndOfTurnTokens = ["<end_of_turn>", "<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<|endoftext|>"];

    public static TokenizerConfig Empty { get; } = new();

    /// <summary>add_bos_token; false means the model is used without BOS.</summary>
    public bool? AddBosToken { get; init; }
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }
    /// <summary>The default chat_template (a Jinja string), used only to recognise the chat format.</summary>
    public string? ChatTemplate { get; init; }
    /// <summary>added_tokens_decoder: tokens to match verbatim in text.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];
    /// <summary>generation_config.json eos_token_id (one id or a list): every id that ends generation.</summary>
    public IReadOnlyList<int> GenerationEosIds { get; init; } = [];

    public static TokenizerConfig Read(string modelDirectory)
    {
        var config = Empty;
        string path = Path.Combine(modelDirectory, FileName);
        if (File.Exists(path)) config = ReadTokenizerConfig(StrictJsonNode.Parse(path));
        string generationPath = Path.Combine(modelDirectory, GenerationFileName);
        if (File.Exists(generationPath))
        {
            var root = StrictJsonNode.Parse(generationPath);
            if (root.TryGet("eos_token_id", out var eos))
                config = config with { GenerationEosIds = eos.Kind == JsonValueKind.Array ? eos.Items().Select(i => i.Int()).ToList() : [eos.Int()] };
        }
        return config;
    }

    static TokenizerConfig ReadTokenizerConfig(StrictJsonNode root)
    {
        var added = new List<AddedToken>();
        if (root.TryGet("added_tokens_decoder", out var decoder))
            foreach (var (key, entry) in decoder.Members())
            {
                if (!int.TryParse(key, out int id) || id < 0) throw entry.Error("the key must be a non-negative token id");
                added.Add(new AddedToken(id, entry.Required("content").String(), entry.OptionalBool("special") ?? false));
            }
        return new TokenizerConfig
        {
            AddBosToken = root.OptionalBool("add_bos_token"),
            BosToken = TokenText(root, "bos_token"),
            EosToken = TokenText(root, "eos_token"),
            PadToken = TokenText(root, "pad_token"),
            ChatTemplate = DefaultChatTemplate(root),
            AddedTokens = added,
        };
    }

    // A token is written either as its text or as an AddedToken object {"content": ...}.
    static string? TokenText(StrictJsonNode root, string name)
    {
        if (!root.TryGet(name, out var value)) return null;
        return value.Kind == JsonValueKind.Object ? value.Required("content").String() : value.String();
    }

    // chat_template is a string, or a list of named templates of which "default" is the one used.
    static string? DefaultChatTemplate(StrictJsonNode root)
    {
        if (!root.TryGet("chat_template", out var value)) return null;
        if (value.Kind != JsonValueKind.Array) return value.String();
        var named = value.Items().Select(t => (Name: t.Required("name").String(), Template: t.Required("template").String())).ToList();
        return named.FirstOrDefault(t => t.Name == "default").Template ?? named.FirstOrDefault().Template;
    }

    /// <summary>BOS, EOS, padding and stop ids for a vocabulary. <paramref name="idOf"/> looks a token up (null if
    /// absent); the defaults apply when the config names no token. Names missing from the vocabulary resolve to null.</summary>
    internal SpecialTokenIds Resolve(Func<string, int?> idOf, string? defaultBos, string? defaultEos)
    {
        int? Lookup(string? token) => token is null ? null : idOf(token);
        int? bos = Lookup(BosToken ?? defaultBos);
        int? eos = Lookup(EosToken ?? defaultEos) ?? (GenerationEosIds.Count > 0 ? GenerationEosIds[0] : null);
        int? pad = Lookup(PadToken);
        var stop = GenerationEosIds.Concat(EndOfTurnTokens.Select(Lookup).OfType<int>())
            .Where(id => id != eos).Distinct().ToList();
        var skip = new HashSet<int>(new[] { bos, eos, pad }.OfType<int>());
        return new SpecialTokenIds(AddBosToken == false ? null : bos, eos, stop, skip);
    }
}

/// <summary>The special ids an <see cref="ITextTokenizer"/> reports, and those its Decode leaves out.</summary>
sealed record SpecialTokenIds(int? Bos, int? Eos, IReadOnlyList<int> Stop, IReadOnlySet<int> SkippedByDecode);
