using System.Text.Json;

namespace SteerLab.Client.Pages.Runs.New;

/// <summary>An open-ended run's questions as the request carries them: CAA's <c>test_dataset_open_ended.json</c> schema,
/// a JSON array of objects with a <c>question</c> string. Built from typed lines, or checked (strictly) when uploaded.</summary>
public static class OpenQuestionsText
{
    /// <summary>The largest questions file the form reads.</summary>
    public const long MaxFileBytes = 2 * 1024 * 1024;

    /// <summary>The questions, or why there are none.</summary>
    public sealed record Result(string? Json, int Count, string? Problem);

    /// <summary>One question per non-blank line, trimmed, in order.</summary>
    public static Result FromLines(string? text)
    {
        var questions = (text ?? "").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        if (questions.Count == 0) return new(null, 0, "type at least one question (one per line)");
        string json = JsonSerializer.Serialize(questions.Select(q => new Dictionary<string, string> { ["question"] = q }));
        return new(json, questions.Count, null);
    }

    /// <summary>An uploaded file, kept exactly as uploaded when every element is an object with a non-blank
    /// <c>question</c> string; otherwise the first problem, naming the file and the JSON path.</summary>
    public static Result FromJson(string text, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return new(null, 0, $"{fileName} is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                return new(null, 0, $"{fileName}: $ must be a JSON array of objects with a \"question\" (CAA test_dataset_open_ended.json)");
            int index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) return new(null, 0, $"{fileName}: $[{index}] is not an object");
                if (!item.TryGetProperty("question", out var question)) return new(null, 0, $"{fileName}: $[{index}] has no \"question\"");
                if (question.ValueKind != JsonValueKind.String) return new(null, 0, $"{fileName}: $[{index}].question is not a string");
                if (string.IsNullOrWhiteSpace(question.GetString())) return new(null, 0, $"{fileName}: $[{index}].question is empty");
                index++;
            }
            return index == 0 ? new(null, 0, $"{fileName}: the array holds no questions") : new(text, index, null);
        }
    }
}
