using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Datasets;

/// <summary>The layout of <see cref="Data.Dataset.PairsJson"/>: a JSON array that the engine's
/// <see cref="ContrastiveDatasetReader"/> reads back as the same pairs, hence the same content hash. A/B pairs use
/// CAA's field names (question, answer_matching_behavior, answer_not_matching_behavior; A/B benchmarks uploaded as
/// prompt/correct/incorrect are stored this way too), completion pairs prompt, positive, negative. The first field
/// name therefore tells the kind, which lets lists show it without reading the pairs.</summary>
public static class DatasetPairsJson
{
    /// <summary>How every stored array of A/B pairs begins.</summary>
    public const string AnswerChoicePrefix = "[{\"question\"";

    static readonly (string Prompt, string Positive, string Negative) AnswerChoiceFields = ("question", "answer_matching_behavior", "answer_not_matching_behavior");
    static readonly (string Prompt, string Positive, string Negative) CompletionFields = ("prompt", "positive", "negative");

    // Stored, never put into HTML: keep the text readable instead of escaping every non-ASCII character.
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(ContrastiveDataset dataset)
    {
        var fields = dataset.Kind == PairKind.AnswerChoice ? AnswerChoiceFields : CompletionFields;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartArray();
            foreach (var pair in dataset.Pairs)
            {
                json.WriteStartObject();
                json.WriteString(fields.Prompt, pair.Prompt);
                json.WriteString(fields.Positive, pair.Positive);
                json.WriteString(fields.Negative, pair.Negative);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static DatasetPairKind KindOf(string pairsJson) =>
        pairsJson.StartsWith(AnswerChoicePrefix, StringComparison.Ordinal) ? DatasetPairKind.AnswerChoice : DatasetPairKind.Completion;

    /// <summary>The stored pairs as the engine's dataset, read by the engine's own reader (so a row that was edited in
    /// the database by hand is caught, not trusted).</summary>
    public static ContrastiveDataset Read(string pairsJson, string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(pairsJson);
        var limits = new DatasetLimits { MaxBytes = Math.Max(1, bytes.Length), MaxRows = int.MaxValue };
        return ContrastiveDatasetReader.Read(new MemoryStream(bytes, writable: false), $"dataset '{name}'", SteerLab.Engine.Steering.Datasets.DatasetFileFormat.Json, name, limits);
    }

    /// <summary>Pairs <paramref name="skip"/> … <paramref name="skip"/> + <paramref name="take"/> − 1 (0-based) and how
    /// many there are.</summary>
    public static DatasetPairPage Page(string pairsJson, int skip, int take)
    {
        var fields = KindOf(pairsJson) == DatasetPairKind.AnswerChoice ? AnswerChoiceFields : CompletionFields;
        using var document = JsonDocument.Parse(pairsJson);
        var array = document.RootElement;
        int total = array.GetArrayLength();
        var pairs = array.EnumerateArray().Skip(skip).Take(take).Select((pair, i) => new DatasetPair(skip + i + 1,
            pair.GetProperty(fields.Prompt).GetString()!,
            pair.GetProperty(fields.Positive).GetString()!,
            pair.GetProperty(fields.Negative).GetString()!)).ToList();
        return new DatasetPairPage(total, skip, pairs);
    }

    /// <summary>The first pairs of a dataset that is not saved yet, numbered like <see cref="Page"/> numbers them.</summary>
    public static IReadOnlyList<DatasetPair> Preview(ContrastiveDataset dataset, int count) =>
        dataset.Pairs.Take(count).Select((pair, i) => new DatasetPair(i + 1, pair.Prompt, pair.Positive, pair.Negative)).ToList();
}
