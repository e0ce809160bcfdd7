namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>Turns generated ids, one at a time, into text deltas for streaming. Decoding each id alone would be wrong:
/// a character may be split across byte tokens, and whether a piece's leading space shows depends on what came before.
/// So it decodes the whole sequence each time and emits what is new, holding back a trailing U+FFFD, which is an
/// incomplete UTF-8 sequence until the next token completes it. Quadratic in length, which is fine for chat-sized output.</summary>
public sealed class TokenStreamDecoder
{
    const char Replacement = '\uFFFD';

    readonly ITextTokenizer tokenizer;
    readonly List<int> ids;
    int emittedLength;

    /// <param name="contextIds">Ids already shown (the prompt): they shape how the first new ids decode, and their own
    /// text is not emitted again.</param>
    public TokenStreamDecoder(ITextTokenizer tokenizer, IEnumerable<int>? contextIds = null)
    {
        this.tokenizer = tokenizer;
        ids = contextIds?.ToList() ?? [];
        emittedLength = StableLength(tokenizer.Decode(ids), 0);
    }

    /// <summary>All ids so far, context included.</summary>
    public IReadOnlyList<int> Ids => ids;

    /// <summary>Adds one id and returns the text it completes (often "", e.g. mid-character or for BOS).</summary>
    public string Push(int id)
    {
        ids.Add(id);
        return Emit(holdBackIncomplete: true);
    }

    /// <summary>Returns whatever is still held back (an incomplete character, as U+FFFD) at the end of the stream.</summary>
    public string Flush() => Emit(holdBackIncomplete: false);

    string Emit(bool holdBackIncomplete)
    {
        string text = tokenizer.Decode(ids);
        int end = holdBackIncomplete ? StableLength(text, emittedLength) : text.Length;
        // Decoding a longer sequence only appends to the text for our tokenizers; if a tokenizer ever rewrote earlier
        // text, the new suffix beyond what was already emitted is still the best we can stream.
        if (end <= emittedLength) return "";
        string delta = text[emittedLength..end];
        emittedLength = end;
        return delta;
    }

    static int StableLength(string text, int floor)
    {
        int end = text.Length;
        while (end > floor && text[end - 1] == Replacement) end--;
        return end;
    }
}
