using System.Text.Json;
using System.Text.Unicode;
using System.Text.RegularExpressions;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>A JSON value together with its file and JSON path, so that every type or shape error in a tokenizer file
/// becomes a <see cref="TokenizerFormatException"/> saying exactly where (e.g. <c>$.model.vocab["hi"]</c>).</summary>
readonly partial record struct StrictJsonNode(JsonElement Element, string Path, string File)
{
    public static StrictJsonNode Parse(string file)
    {
        try
        {
            ReadOnlyMemory<byte> bytes = TokenizerFileReader.ReadAllBytes(file);
            if (bytes.Span.StartsWith("\uFEFF"u8)) bytes = bytes[3..]; // some editors write a UTF-8 byte order mark
            // System.Text.Json checks UTF-8 only when a string or name is read, and then throws InvalidOperationException.
            if (!Utf8.IsValid(bytes.Span)) throw new TokenizerFormatException(file, "$", "not valid JSON (the file is not valid UTF-8)");
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
            return new StrictJsonNode(document.RootElement.Clone(), "$", file);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $"line {line + 1}" : "$";
            throw new TokenizerFormatException(file, where, $"not valid JSON ({e.Message})");
        }
    }

    public JsonValueKind Kind => Element.ValueKind;
    public bool IsNull => Element.ValueKind == JsonValueKind.Null;

    public TokenizerFormatException Error(string problem) => new(File, Path, problem);

    /// <summary>The named member when present and not null.</summary>
    public bool TryGet(string name, out StrictJsonNode member)
    {
        RequireKind(JsonValueKind.Object, "an object");
        if (Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            member = new StrictJsonNode(value, Path + MemberPath(name), File);
            return true;
        }
        member = default;
        return false;
    }

    public StrictJsonNode Required(string name) =>
        TryGet(name, out var member) ? member : throw new TokenizerFormatException(File, Path + MemberPath(name), "is missing");

    public string? OptionalString(string name) => TryGet(name, out var member) ? member.String() : null;
    public bool? OptionalBool(string name) => TryGet(name, out var member) ? member.Bool() : null;

    public string String() => Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw WrongType("a string");

    public bool Bool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw WrongType("true or false"),
    };

    public int Int() =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out int value) ? value : throw WrongType("an integer");

    public IEnumerable<StrictJsonNode> Items()
    {
        RequireKind(JsonValueKind.Array, "an array");
        int index = 0;
        foreach (var item in Element.EnumerateArray())
            yield return new StrictJsonNode(item, $"{Path}[{index++}]", File);
    }

    public IEnumerable<(string Name, StrictJsonNode Value)> Members()
    {
        RequireKind(JsonValueKind.Object, "an object");
        foreach (var property in Element.EnumerateObject())
            yield return (property.Name, new StrictJsonNode(property.Value, Path + MemberPath(property.Name), File));
    }

    void RequireKind(JsonValueKind kind, string what)
    {
        if (Element.ValueKind != kind) throw WrongType(what);
    }

    TokenizerFormatException WrongType(string expected)
    {
        string found = Element.GetRawText();
        if (found.Length > 60) found = found[..57] + "...";
        return Error($"must be {expected}, found {Element.ValueKind.ToString().ToLowerInvariant()} {found}");
    }

    static string MemberPath(string name) =>
        SimpleName().IsMatch(name) ? "." + name : $"[{JsonSerializer.Serialize(name)}]";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex SimpleName();
}
