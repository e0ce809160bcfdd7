using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Evaluation.SideEffects;

/// <summary>The fixed held-out slice perplexity inflation is measured on (DESIGN §6): consecutive, non-overlapping windows
/// of <c>windowTokens</c> tokens cut from the texts in order — BOS (when the tokenizer has one) then the next
/// <c>windowTokens − 1</c> text tokens — keeping only full windows, up to <c>maxWindows</c>. Equal-length windows make
/// the token-weighted perplexity and the per-window interval (<see cref="PerplexityInflation"/>) weigh windows alike.</summary>
public static class HeldOutText
{
    public static IReadOnlyList<IReadOnlyList<int>> Windows(ITextTokenizer tokenizer, IEnumerable<string> texts, int windowTokens, int maxWindows)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        if (windowTokens < 2) throw new ArgumentException($"a window needs at least 2 tokens, got {windowTokens}");
        if (maxWindows < 1) throw new ArgumentException($"max windows must be at least 1, got {maxWindows}");
        int body = tokenizer.BosId is null ? windowTokens : windowTokens - 1;
        var windows = new List<IReadOnlyList<int>>();
        foreach (string text in texts)
        {
            var ids = tokenizer.Encode(text, addBos: false);
            for (int start = 0; start + body <= ids.Count && windows.Count < maxWindows; start += body)
            {
                var slice = ids.Skip(start).Take(body);
                windows.Add(tokenizer.BosId is int bos ? [bos, .. slice] : [.. slice]);
            }
            if (windows.Count == maxWindows) break;
        }
        return windows;
    }
}
