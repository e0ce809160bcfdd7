using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Demo;

/// <summary>The corpus as token streams for language-model training: each text's plain English (paragraphs on their own
/// lines), texts separated by the end-of-text token.</summary>
public sealed record DemoCorpusTokens(int[] Train, int[] HeldOut)
{
    public static DemoCorpusTokens Encode(BrownCorpus corpus, ITextTokenizer tokenizer, int endOfText) =>
        new(Stream(corpus.Training, tokenizer, endOfText), Stream(corpus.HeldOut, tokenizer, endOfText));

    static int[] Stream(IEnumerable<BrownText> texts, ITextTokenizer tokenizer, int endOfText)
    {
        var ids = new List<int>();
        foreach (var text in texts)
        {
            ids.AddRange(tokenizer.Encode(text.PlainText, addBos: false));
            ids.Add(endOfText);
        }
        return [.. ids];
    }
}
