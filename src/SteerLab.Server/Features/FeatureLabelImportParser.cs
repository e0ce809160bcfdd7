using System.Globalization;
using System.Text;
using System.Text.Json;
using SteerLab.Shared.Features;

namespace SteerLab.Server.Features;

/// <summary>Reads a Neuronpedia-style explanations export: a JSON array of objects (as
/// <c>/api/explanation/export</c> answers), or JSON Lines with one such object a line (as the bulk exports'
/// <c>explanations/*.jsonl</c> hold, once unzipped). Each object needs the feature — <c>"index"</c> (Neuronpedia writes it
/// as a string, "10956") or <c>"feature"</c>, a string or a number — and its text, <c>"description"</c> (Neuronpedia) or
/// <c>"explanation"</c>; other fields (modelId, layer, explanationModelName, typeName…) are ignored. Strict: any malformed
/// item is a problem naming the item and field, and a file with problems yields no labels. Bounded: the file size and
/// item count are checked before anything is kept.</summary>
public static class FeatureLabelImportParser
{
    public const long MaxBytes = 32L << 20;
    /// <summary>The widest public SAEs listed on Neuronpedia have 262,144 features (Gemma Scope 262k); one explanation each.</summary>
    public const int MaxItems = 1 << 20;
    /// <summary>Listing more problems than this helps nobody: the file is wrong in the same way throughout.</summary>
    public const int MaxProblems = 50;

    static readonly string[] IndexFields = ["index", "feature"];
    static readonly string[] TextFields = ["description", "explanation"];

    /// <summary>The labels of a well-formed file, in file order, first explanation of each feature only.</summary>
    public sealed record Parsed(IReadOnlyList<(int Feature, string Label)> Labels, int Items, int Duplicates, IReadOnlyList<FeatureLabelProblem> Problems);

    /// <param name="saeWidth">Indices must be below it, when given.</param>
    public static Parsed Parse(ReadOnlySpan<byte> bytes, int? saeWidth)
    {
        var problems = new List<FeatureLabelProblem>();
        if (bytes.Length > MaxBytes) return Refused(new("$", $"the file is {bytes.Length:N0} bytes; at most {MaxBytes:N0} bytes are read"));
        if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        int start = 0;
        while (start < bytes.Length && bytes[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        if (start == bytes.Length) return Refused(new("$", "the file is empty"));

        var items = new List<(string Path, JsonElement Item)>();
        var documents = new List<JsonDocument>();
        try
        {
            var options = new JsonDocumentOptions { MaxDepth = 16 };
            if (bytes[start] == (byte)'[')
            {
                JsonDocument document;
                try { document = JsonDocument.Parse(bytes.ToArray(), options); }
                catch (JsonException e) { return Refused(new("$", $"not valid JSON: {e.Message}")); }
                documents.Add(document);
                int i = 0;
                foreach (var item in document.RootElement.EnumerateArray())
                {
                    if (i >= MaxItems) return Refused(new("$", $"the file has more than {MaxItems:N0} items"));
                    items.Add(($"$[{i++}]", item));
                }
            }
            else if (bytes[start] == (byte)'{')
            {
                int line = 0;
                foreach (var text in Encoding.UTF8.GetString(bytes).Split('\n'))
                {
                    line++;
                    if (string.IsNullOrWhiteSpace(text)) continue;
                    if (items.Count >= MaxItems) return Refused(new("$", $"the file has more than {MaxItems:N0} items"));
                    try
                    {
                        var document = JsonDocument.Parse(text, options);
                        documents.Add(document);
                        items.Add(($"line {line}", document.RootElement));
                    }
                    catch (JsonException e)
                    {
                        problems.Add(new($"line {line}", $"not valid JSON: {e.Message}"));
                        if (problems.Count >= MaxProblems) break;
                    }
                }
            }
            else
            {
                return Refused(new("$", "expected a JSON array of explanations ([{\"index\": \"12\", \"description\": \"…\"}, …]) or JSON Lines with one explanation object a line"));
            }
            if (items.Count == 0 && problems.Count == 0) return Refused(new("$", "the file holds no explanations"));

            var labels = new List<(int, string)>();
            var seen = new HashSet<int>();
            int duplicates = 0;
            foreach (var (path, item) in items)
            {
                if (problems.Count >= MaxProblems) break;
                if (ReadItem(path, item, saeWidth, problems) is not { } label) continue;
                if (seen.Add(label.Feature)) labels.Add(label);
                else duplicates++;
            }
            if (problems.Count >= MaxProblems) problems.Add(new("$", $"stopped after {MaxProblems} problems"));
            return problems.Count > 0 ? new Parsed([], items.Count, 0, problems) : new Parsed(labels, items.Count, duplicates, []);
        }
        finally
        {
            foreach (var document in documents) document.Dispose();
        }
    }

    static (int Feature, string Label)? ReadItem(string path, JsonElement item, int? saeWidth, List<FeatureLabelProblem> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new(path, $"expected an object with \"index\" and \"description\", found {Describe(item.ValueKind)}"));
            return null;
        }
        int problemsBefore = problems.Count;
        int? feature = null;
        if (Field(item, IndexFields) is not { } indexField) problems.Add(new(path, "has no \"index\" (or \"feature\")"));
        else
        {
            var (name, value) = indexField;
            long parsed = -1;
            bool ok = value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetInt64(out parsed),
                JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out parsed),
                _ => false,
            };
            string at = $"{path}.{name}";
            if (!ok) problems.Add(new(at, $"must be a whole number ≥ 0 (a number or a string of digits), found {Shown(value)}"));
            else if (parsed > int.MaxValue) problems.Add(new(at, $"{parsed} is too large for a feature index"));
            else if (saeWidth is { } width && parsed >= width) problems.Add(new(at, $"feature {parsed} is not in this SAE (it has features 0 to {width - 1})"));
            else feature = (int)parsed;
        }
        string? label = null;
        if (Field(item, TextFields) is not { } textField) problems.Add(new(path, "has no \"description\" (or \"explanation\")"));
        else
        {
            var (name, value) = textField;
            string at = $"{path}.{name}";
            string? text = value.ValueKind == JsonValueKind.String ? value.GetString()?.Trim() : null;
            if (text is null) problems.Add(new(at, $"must be a string, found {Describe(value.ValueKind)}"));
            else if (text.Length == 0) problems.Add(new(at, "is empty"));
            else if (text.Length > FeatureLabelSources.MaxLabelLength) problems.Add(new(at, $"is {text.Length} characters long; labels are at most {FeatureLabelSources.MaxLabelLength}"));
            else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\t'))) problems.Add(new(at, "contains control characters"));
            else label = text;
        }
        return problems.Count == problemsBefore && feature is { } f && label is { } l ? (f, l) : null;
    }

    static (string Name, JsonElement Value)? Field(JsonElement item, string[] names)
    {
        foreach (string name in names)
            if (item.TryGetProperty(name, out var value)) return (name, value);
        return null;
    }

    static string Shown(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? $"\"{(value.GetString() is { Length: > 40 } s ? s[..40] + "…" : value.GetString())}\""
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Describe(value.ValueKind);

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    static Parsed Refused(FeatureLabelProblem problem) => new([], 0, 0, [problem]);
}
