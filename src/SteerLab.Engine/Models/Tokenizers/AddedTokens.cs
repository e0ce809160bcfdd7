namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>A token matched verbatim in text before any other tokenization (Hugging Face "added tokens": &lt;bos&gt;,
/// &lt;start_of_turn&gt;, &lt;|eot_id|&gt;...). <paramref name="Special"/> marks control tokens.</summary>
public sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>Splits text into ordinary runs and added tokens, taking the leftmost and then the longest match, as Hugging
/// Face tokenizers do.</summary>
sealed class AddedTokenMatcher
{
    // Candidates by first character, longest first, so the first hit at a position is the longest.
    readonly Dictionary<char, AddedToken[]> byFirstChar;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    /// <summary>The pieces of <paramref name="text"/> in order: either (run of text, null) or (content, token).</summary>
    public IEnumerable<(string Text, AddedToken? Token)> Split(string text)
    {
        int runStart = 0;
        for (int i = 0; i < text.Length;)
        {
            var match = MatchAt(text, i);
            if (match is null) { i++; continue; }
            if (i > runStart) yield return (text[runStart..i], null);
            yield return (match.Content, match);
            i += match.Content.Length;
            runStart = i;
        }
        if (runStart < text.Length) yield return (text[runStart..], null);
    }

    AddedToken? MatchAt(string text, int index)
    {
        if (!byFirstChar.TryGetValue(text[index], out var candidates)) return null;
        foreach (var token in candidates)
            if (text.AsSpan(index).StartsWith(token.Content, StringComparison.Ordinal)) return token;
        return null;
    }
}
