using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace SteerLab.Engine.Demo;

/// <summary>Multinomial naive Bayes over lower-cased words, one class per Brown genre, with add-one smoothing: the demo's
/// judge of "how romance-like / press-like is this text". <see cref="Score"/> is the mean per-word log-likelihood ratio of
/// one genre against another (nats per word; 0 when no known word), which stays graded where a 15-way posterior would
/// saturate at 0 or 1 on a paragraph. Hand-written: ML.NET's trainers would add a large dependency for fifteen counts tables.</summary>
public sealed class GenreClassifier
{
    public const string FileName = "genre_classifier.json";
    public const string Format = "steerlab.genre-classifier/1";
    static readonly Regex Word = new(@"[a-z]+(?:'[a-z]+)?", RegexOptions.Compiled);

    readonly Dictionary<string, int> indexOfWord;
    readonly Dictionary<char, double[]> logProbability; // genre → log p(word | genre), by word index
    readonly Dictionary<char, double> logPrior;

    public IReadOnlyList<string> Vocabulary { get; }
    public IReadOnlyList<char> Genres { get; }

    GenreClassifier(IReadOnlyList<string> vocabulary, IReadOnlyDictionary<char, int[]> counts, IReadOnlyDictionary<char, int> documents)
    {
        Vocabulary = vocabulary;
        Genres = counts.Keys.Order().ToList();
        indexOfWord = vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        logProbability = counts.ToDictionary(g => g.Key, g =>
        {
            double total = g.Value.Sum(c => (double)c) + vocabulary.Count;
            return g.Value.Select(c => Math.Log((c + 1) / total)).ToArray();
        });
        double allDocuments = documents.Values.Sum();
        logPrior = Genres.ToDictionary(g => g, g => Math.Log(documents[g] / allDocuments));
        Counts = counts;
        Documents = documents;
    }

    IReadOnlyDictionary<char, int[]> Counts { get; }
    IReadOnlyDictionary<char, int> Documents { get; }

    public static IEnumerable<string> Words(string text) => Word.Matches(text.ToLowerInvariant()).Select(m => m.Value);

    /// <summary>Trains on texts labelled by genre; words seen fewer than <paramref name="minCount"/> times are dropped.</summary>
    public static GenreClassifier Train(IEnumerable<BrownText> texts, int minCount = 3)
    {
        var list = texts.ToList();
        var total = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in list)
            foreach (string w in Words(text.PlainText)) total[w] = total.GetValueOrDefault(w) + 1;
        var vocabulary = total.Where(p => p.Value >= minCount).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        var index = vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        var counts = list.Select(t => t.Genre).Distinct().ToDictionary(g => g, _ => new int[vocabulary.Count]);
        foreach (var text in list)
            foreach (string w in Words(text.PlainText))
                if (index.TryGetValue(w, out int i)) counts[text.Genre][i]++;
        var documents = list.GroupBy(t => t.Genre).ToDictionary(g => g.Key, g => g.Count());
        return new GenreClassifier(vocabulary, counts, documents);
    }

    /// <summary>Σ log p(word | genre) over the known words of <paramref name="text"/>, per genre, and how many words counted.</summary>
    public (IReadOnlyDictionary<char, double> LogLikelihood, int KnownWords) LogLikelihoods(string text)
    {
        var sums = Genres.ToDictionary(g => g, _ => 0.0);
        int known = 0;
        foreach (string w in Words(text))
        {
            if (!indexOfWord.TryGetValue(w, out int i)) continue;
            known++;
            foreach (char g in Genres) sums[g] += logProbability[g][i];
        }
        return (sums, known);
    }

    /// <summary>The most probable genre (prior included).</summary>
    public char Classify(string text)
    {
        var (ll, _) = LogLikelihoods(text);
        return Genres.MaxBy(g => ll[g] + logPrior[g]);
    }

    /// <summary>Mean per-word log p(w | <paramref name="genre"/>) − log p(w | <paramref name="against"/>): positive when the
    /// text reads more like <paramref name="genre"/>.</summary>
    public double Score(string text, char genre, char against)
    {
        RequireGenre(genre);
        RequireGenre(against);
        var (ll, known) = LogLikelihoods(text);
        return known == 0 ? 0 : (ll[genre] - ll[against]) / known;
    }

    void RequireGenre(char genre)
    {
        if (!logProbability.ContainsKey(genre)) throw new ArgumentException($"the classifier knows no genre '{genre}' (it knows {string.Join(", ", Genres)})");
    }

    sealed record Document(
        [property: JsonPropertyName("format")] string Format,
        [property: JsonPropertyName("genres")] Dictionary<string, string> Genres,
        [property: JsonPropertyName("documents")] Dictionary<string, int> Documents,
        [property: JsonPropertyName("vocabulary")] List<string> Vocabulary,
        [property: JsonPropertyName("counts")] Dictionary<string, int[]> Counts);

    public void Save(string path)
    {
        var document = new Document(Format, Genres.ToDictionary(g => g.ToString(), g => BrownGenres.Names[g]),
            Documents.ToDictionary(p => p.Key.ToString(), p => p.Value), [.. Vocabulary], Counts.ToDictionary(p => p.Key.ToString(), p => p.Value));
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(document));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    const long MaxFileBytes = 64L << 20;

    /// <exception cref="InvalidDataException">The file is not a classifier this code wrote, or is inconsistent.</exception>
    public static GenreClassifier Load(string path)
    {
        if (new FileInfo(path).Length > MaxFileBytes) throw new InvalidDataException($"{path}: larger than {MaxFileBytes >> 20} MiB");
        Document? document;
        try { document = JsonSerializer.Deserialize<Document>(File.ReadAllBytes(path), new JsonSerializerOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a genre classifier ({e.Message})", e); }
        if (document is null || document.Format != Format) throw new InvalidDataException($"{path}: 'format' is not {Format}");
        if (document.Vocabulary is not { Count: > 0 } vocabulary) throw new InvalidDataException($"{path}: 'vocabulary' is missing or empty");
        if (document.Counts is not { Count: > 1 } counts || document.Documents is null) throw new InvalidDataException($"{path}: needs 'counts' and 'documents' for at least two genres");
        var byGenre = new Dictionary<char, int[]>();
        var documents = new Dictionary<char, int>();
        foreach (var (key, row) in counts)
        {
            if (key.Length != 1 || !BrownGenres.Names.ContainsKey(key[0])) throw new InvalidDataException($"{path}: counts.{key}: not a genre letter");
            if (row is null || row.Length != vocabulary.Count) throw new InvalidDataException($"{path}: counts.{key}: {row?.Length ?? 0} counts for {vocabulary.Count} words");
            if (row.Any(c => c < 0)) throw new InvalidDataException($"{path}: counts.{key}: a count is negative");
            if (!document.Documents.TryGetValue(key, out int n) || n <= 0) throw new InvalidDataException($"{path}: documents.{key}: missing or not positive");
            byGenre[key[0]] = row;
            documents[key[0]] = n;
        }
        return new GenreClassifier(vocabulary, byGenre, documents);
    }
}
