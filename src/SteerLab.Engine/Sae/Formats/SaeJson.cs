using System.Text.Json;
using System.Text.Unicode;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>Reads the small JSON configs that come with SAEs (SAELens cfg.json, Llama Scope hyperparams.json)
/// strictly: bounded size and depth, and typed getters whose errors name the file and the JSON path.</summary>
static class SaeJson
{
    /// <summary>SAE configs are a few KB; anything past this is not one.</summary>
    public const long MaxConfigBytes = 1 << 20;
    const int MaxDepth = 16;

    /// <summary>Parses a JSON object from a file. The caller disposes the document.</summary>
    public static JsonDocument ReadObject(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new SaeFormatException(path, "file not found");
        if (info.Length > MaxConfigBytes)
            throw new SaeFormatException(path, $"{info.Length} bytes is too large for an SAE config (limit {MaxConfigBytes})");
        byte[] bytes = File.ReadAllBytes(path);
        // System.Text.Json checks UTF-8 only when a string is read (GetString throws InvalidOperationException then).
        if (!Utf8.IsValid(bytes)) throw new SaeFormatException(path, "not valid JSON: the file is not valid UTF-8");
        JsonDocument document;
        try { document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth }); }
        catch (JsonException e) { throw new SaeFormatException(path, $"not valid JSON: {e.Message}"); }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new SaeFormatException(path, "the JSON root must be an object");
        }
        return document;
    }

    /// <summary>A child object, or null when absent or JSON null.</summary>
    public static JsonElement? OptionalObject(string path, JsonElement parent, string name, string parentPath = "$")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object)
            throw new SaeFormatException(path, $"{parentPath}.{name} must be an object, found {Describe(value)}");
        return value;
    }

    public static string? OptionalString(string path, JsonElement parent, string name, string parentPath = "$")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new SaeFormatException(path, $"{parentPath}.{name} must be a string, found {Describe(value)}");
        return value.GetString();
    }

    public static bool? OptionalBool(string path, JsonElement parent, string name, string parentPath = "$")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new SaeFormatException(path, $"{parentPath}.{name} must be true or false, found {Describe(value)}"),
        };
    }

    public static long? OptionalInteger(string path, JsonElement parent, string name, string parentPath = "$")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long result))
            throw new SaeFormatException(path, $"{parentPath}.{name} must be an integer, found {Describe(value)}");
        return result;
    }

    public static long RequiredInteger(string path, JsonElement parent, string name, string parentPath = "$") =>
        OptionalInteger(path, parent, name, parentPath)
        ?? throw new SaeFormatException(path, $"{parentPath}.{name} is missing (an integer is required)");

    public static double? OptionalNumber(string path, JsonElement parent, string name, string parentPath = "$")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double result) || !double.IsFinite(result))
            throw new SaeFormatException(path, $"{parentPath}.{name} must be a finite number, found {Describe(value)}");
        return result;
    }

    public static double RequiredNumber(string path, JsonElement parent, string name, string parentPath = "$") =>
        OptionalNumber(path, parent, name, parentPath)
        ?? throw new SaeFormatException(path, $"{parentPath}.{name} is missing (a number is required)");

    static string Describe(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }
}
