namespace SteerLab.Engine.Demo;

/// <summary>Held-out sentences for the demo, from two disjoint sets of held-out texts: numbers ending in 5 (05, 15, 25, …)
/// feed the contrastive datasets that vectors are built from; numbers ending in 0 are kept for evaluating those vectors,
/// so no evaluation sentence was seen in training or in a dataset.</summary>
public static class DemoSentences
{
    public const int MinWords = 8;
    public const int MaxWords = 40;

    public static bool IsDatasetText(BrownText text) => BrownCorpus.IsHeldOut(text) && text.Number % 10 == 5;
    public static bool IsEvaluationText(BrownText text) => BrownCorpus.IsHeldOut(text) && text.Number % 10 == 0;

    public static IReadOnlyList<string> ForDatasets(BrownCorpus corpus, char genre) => Sentences(corpus.OfGenre(genre).Where(IsDatasetText));
    public static IReadOnlyList<string> ForEvaluation(BrownCorpus corpus, char genre) => Sentences(corpus.OfGenre(genre).Where(IsEvaluationText));

    /// <summary>Sentences of <see cref="MinWords"/>–<see cref="MaxWords"/> words, in corpus order, without repeats.</summary>
    static IReadOnlyList<string> Sentences(IEnumerable<BrownText> texts) =>
        texts.SelectMany(t => t.Sentences)
            .Where(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is >= MinWords and <= MaxWords)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>A deterministic shuffle (Fisher–Yates with a seeded generator).</summary>
    public static List<T> Shuffled<T>(IEnumerable<T> items, long seed)
    {
        var list = items.ToList();
        var random = new Random(unchecked((int)seed));
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
