using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SteerLab.Engine.Models.Tokenizers.Training;

/// <summary>Trains a GPT-2-style byte-level BPE vocabulary: text is split with GPT-2's pre-tokenizer regex, each piece is
/// spelled in bytes, and the most frequent adjacent pair is merged until the vocabulary is full (ties: the pair of lower
/// token ids, so a run is deterministic). Pair counts are updated incrementally, only for words a merge touches.
/// Hand-written: Microsoft.ML.Tokenizers loads BPE vocabularies but does not train them.</summary>
public static class ByteLevelBpeTrainer
{
    public const string EndOfText = "<|endoftext|>";
    static readonly Regex PreTokenizer = new(ByteLevelBpe.Gpt2Pattern, RegexOptions.Compiled);

    /// <summary>The merges learned from <paramref name="texts"/>; the vocabulary is the 256 bytes, one token per merge,
    /// then <see cref="EndOfText"/> (BOS and EOS), <paramref name="vocabSize"/> in all.</summary>
    public static TrainedBpe Train(IEnumerable<string> texts, int vocabSize, Action<int, int>? progress = null)
    {
        if (vocabSize < 258) throw new ArgumentException($"a byte-level vocabulary needs at least 258 tokens (256 bytes, one merge, {EndOfText}), got {vocabSize}");
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string text in texts)
            foreach (Match piece in PreTokenizer.Matches(text))
                wordCounts[piece.Value] = wordCounts.GetValueOrDefault(piece.Value) + 1;

        var words = wordCounts.OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (Symbols: System.Text.Encoding.UTF8.GetBytes(w.Key).Select(b => (int)b).ToList(), Count: w.Value)).ToList();
        var symbols = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.CharOfByte[b].ToString()).ToList();
        var pairCounts = new Dictionary<(int, int), long>();
        var wordsWithPair = new Dictionary<(int, int), HashSet<int>>();
        for (int w = 0; w < words.Count; w++) AddPairs(words[w].Symbols, words[w].Count, w, pairCounts, wordsWithPair);

        int mergeCount = vocabSize - 257;
        var merges = new List<(string, string)>(mergeCount);
        while (merges.Count < mergeCount)
        {
            var best = BestPair(pairCounts);
            if (best is not { } pair) break; // every word is one token already
            int merged = symbols.Count;
            symbols.Add(symbols[pair.Item1] + symbols[pair.Item2]);
            merges.Add((symbols[pair.Item1], symbols[pair.Item2]));
            foreach (int w in wordsWithPair[pair].ToList())
            {
                var (word, count) = words[w];
                AddPairs(word, -count, w, pairCounts, null);
                Merge(word, pair, merged);
                AddPairs(word, count, w, pairCounts, wordsWithPair);
            }
            wordsWithPair.Remove(pair);
            progress?.Invoke(merges.Count, mergeCount);
        }
        symbols.Add(EndOfText);
        return new TrainedBpe(symbols, merges);
    }

    static (int, int)? BestPair(Dictionary<(int, int), long> pairCounts)
    {
        (int, int)? best = null;
        long bestCount = 0;
        foreach (var (pair, count) in pairCounts)
            if (count > bestCount || count == bestCount && count > 0 && best is { } b && pair.CompareTo(b) < 0)
                (best, bestCount) = (pair, count);
        return best;
    }

    static void AddPairs(List<int> word, long count, int wordIndex, Dictionary<(int, int), long> pairCounts, Dictionary<(int, int), HashSet<int>>? wordsWithPair)
    {
        for (int i = 0; i + 1 < word.Count; i++)
        {
            var pair = (word[i], word[i + 1]);
            long updated = pairCounts.GetValueOrDefault(pair) + count;
            if (updated == 0) pairCounts.Remove(pair); else pairCounts[pair] = updated;
            if (wordsWithPair is null) continue;
            if (!wordsWithPair.TryGetValue(pair, out var set)) wordsWithPair[pair] = set = [];
            set.Add(wordIndex);
        }
    }

    static void Merge(List<int> word, (int Left, int Right) pair, int merged)
    {
        int write = 0;
        for (int read = 0; read < word.Count; read++)
        {
            if (read + 1 < word.Count && word[read] == pair.Left && word[read + 1] == pair.Right) { word[write++] = merged; read++; }
            else word[write++] = word[read];
        }
        word.RemoveRange(write, word.Count - write);
    }
}

/// <summary>A trained byte-level BPE: token strings in id order (byte-level spelling) and the merges in rank order.</summary>
public sealed record TrainedBpe(IReadOnlyList<string> Tokens, IReadOnlyList<(string Left, string Right)> Merges)
{
    public int EndOfTextId => Tokens.Count - 1;

    /// <summary>Writes a Hugging Face tokenizer.json (BPE model, ByteLevel pre-tokenizer and decoder, <c>&lt;|endoftext|&gt;</c>
    /// as a special added token) and a tokenizer_config.json naming it BOS and EOS.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var vocab = new JsonObject();
        for (int id = 0; id < Tokens.Count; id++) vocab[Tokens[id]] = id;
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = EndOfTextId, ["content"] = ByteLevelBpeTrainer.EndOfText, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "", ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(Merges.Select(m => (JsonNode)new JsonArray(m.Left, m.Right)).ToArray()),
            },
        };
        var config = new JsonObject
        {
            ["tokenizer_class"] = "GPT2Tokenizer",
            ["bos_token"] = ByteLevelBpeTrainer.EndOfText,
            ["eos_token"] = ByteLevelBpeTrainer.EndOfText,
            ["add_bos_token"] = true,
            ["model_max_length"] = 256,
        };
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(Path.Combine(folder, HuggingFaceBpeTokenizer.FileName), tokenizer.ToJsonString(new JsonSerializerOptions { Encoder = options.Encoder }));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(options));
    }
}
