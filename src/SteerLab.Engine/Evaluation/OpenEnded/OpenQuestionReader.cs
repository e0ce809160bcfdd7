using System.Text.Json;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Evaluation.OpenEnded;

/// <summary>Reads open-ended question sets in CAA's schema: a JSON array of objects, each with a non-empty string
/// <c>"question"</c> (other properties are ignored). Every bad item is reported at once in a
/// <see cref="DatasetFormatException"/> (item index and field), and the file's size, item count and question length
/// are bounded before anything is kept.</summary>
public static class OpenQuestionReader
{
    public const int MaxQuestionCharacters = 20_000;

    public static IReadOnlyList<OpenQuestion> Read(string path, DatasetLimits? limits = null)
    {
        limits ??= DatasetLimits.Default;
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: no such file", path);
        if (info.Length > limits.MaxBytes) throw new DatasetFormatException(path, [new DatasetError(null, null, null, $"the file has {info.Length} bytes, more than {limits.MaxBytes}")]);
        using var stream = File.OpenRead(path);
        return Read(stream, path, limits);
    }

    public static IReadOnlyList<OpenQuestion> Read(Stream stream, string source, DatasetLimits? limits = null)
    {
        limits ??= DatasetLimits.Default;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > limits.MaxBytes) throw Problem(source, $"more than {limits.MaxBytes} bytes");
            buffer.Write(chunk, 0, n);
        }

        JsonDocument document;
        try { document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth }); }
        catch (JsonException e) { throw Problem(source, $"not valid JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array) throw Problem(source, $"expected a JSON array of {{\"question\": …}} objects, found a {root.ValueKind.ToString().ToLowerInvariant()}");
            int count = root.GetArrayLength();
            if (count == 0) throw Problem(source, "the array holds no questions");
            if (count > limits.MaxRows) throw Problem(source, $"{count} questions, more than {limits.MaxRows}");

            var questions = new List<OpenQuestion>(count);
            var errors = new List<DatasetError>();
            int index = 0;
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                    errors.Add(new DatasetError(null, index, null, $"expected an object, found a {item.ValueKind.ToString().ToLowerInvariant()}"));
                else if (!item.TryGetProperty("question", out var question))
                    errors.Add(new DatasetError(null, index, "question", "missing"));
                else if (question.ValueKind != JsonValueKind.String)
                    errors.Add(new DatasetError(null, index, "question", $"must be a string, found a {question.ValueKind.ToString().ToLowerInvariant()}"));
                else if (question.GetString() is not { } text || string.IsNullOrWhiteSpace(text))
                    errors.Add(new DatasetError(null, index, "question", "is empty"));
                else if (text.Length > MaxQuestionCharacters)
                    errors.Add(new DatasetError(null, index, "question", $"has {text.Length} characters, more than {MaxQuestionCharacters}"));
                else questions.Add(new OpenQuestion(text));
                index++;
            }
            if (errors.Count > 0) throw new DatasetFormatException(source, errors);
            return questions;
        }
    }

    static DatasetFormatException Problem(string source, string reason) => new(source, [new DatasetError(null, null, null, reason)]);
}
