using System.Text.Json;

namespace SteerLab.Engine.Demo;

/// <summary>Writes each contrast's dataset in SteerLab's plain-pairs format (DESIGN §8): rows of <c>prompt</c> (empty: the
/// sentence is the whole text), <c>positive</c> (a sentence of the positive genre) and <c>negative</c> (one of the
/// negative genre), paired at random, at most <see cref="MaxPairs"/>.</summary>
public static class DemoDatasets
{
    public const int MaxPairs = 256;

    public static string Write(BrownCorpus corpus, DemoContrast contrast, string folder, long seed)
    {
        var positive = DemoSentences.Shuffled(DemoSentences.ForDatasets(corpus, contrast.Positive), seed);
        var negative = DemoSentences.Shuffled(DemoSentences.ForDatasets(corpus, contrast.Negative), seed + 1);
        int pairs = Math.Min(MaxPairs, Math.Min(positive.Count, negative.Count));
        if (pairs < 16) throw new InvalidOperationException($"{contrast.Id}: only {pairs} sentence pairs in the held-out texts");
        var rows = Enumerable.Range(0, pairs).Select(i => new { prompt = "", positive = positive[i], negative = negative[i] });
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, contrast.DatasetFileName);
        File.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return path;
    }
}
