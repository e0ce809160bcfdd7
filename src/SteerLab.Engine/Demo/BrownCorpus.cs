namespace SteerLab.Engine.Demo;

/// <summary>The whole Brown Corpus, split once and for all: every fifth text of each genre (numbers 05, 10, 15, …) is
/// held out for validation, the demo datasets and the evaluation; the rest is for training.</summary>
public sealed class BrownCorpus
{
    public IReadOnlyList<BrownText> Texts { get; }
    public IReadOnlyList<BrownText> Training => Texts.Where(t => !IsHeldOut(t)).ToList();
    public IReadOnlyList<BrownText> HeldOut => Texts.Where(IsHeldOut).ToList();

    BrownCorpus(IReadOnlyList<BrownText> texts) => Texts = texts;

    public static bool IsHeldOut(BrownText text) => text.Number % 5 == 0;

    /// <summary>Reads every Brown text file in <paramref name="folder"/>, in file-name order.</summary>
    public static BrownCorpus Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: corpus folder not found");
        var texts = Directory.EnumerateFiles(folder)
            .Where(f => BrownText.IsTextFileName(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .Select(BrownText.Read)
            .ToList();
        if (texts.Count == 0) throw new InvalidDataException($"{folder}: no Brown Corpus text files (ca01 … cr09)");
        return new BrownCorpus(texts);
    }

    public IEnumerable<BrownText> OfGenre(char genre) => Texts.Where(t => t.Genre == genre);
}
