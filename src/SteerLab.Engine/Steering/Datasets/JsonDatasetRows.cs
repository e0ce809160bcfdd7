using System.Text.Json;

namespace SteerLab.Engine.Steering.Datasets;

/// <summary>Splits a JSON array of objects, or JSON Lines (one object per line), into <see cref="RawRow"/>s,
/// recording where each row starts. Every bad row is reported; a syntax error in a JSON array ends the reading
/// (nothing after it can be located), a bad line in JSON Lines does not.</summary>
internal static class JsonDatasetRows
{
    public static List<RawRow> FromArray(ReadOnlyMemory<byte> utf8, DatasetLimits limits, List<DatasetError> errors)
    {
        var rows = new List<RawRow>();
        var lines = new LineCounter(utf8);
        var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { MaxDepth = limits.MaxJsonDepth });
        try
        {
            if (!reader.Read())
            {
                errors.Add(new DatasetError(null, null, null, "the file holds no JSON value"));
                return rows;
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                errors.Add(new DatasetError(lines.LineAt(reader.TokenStartIndex), null, null,
                    $"the top level must be an array of objects, found {Describe(reader.TokenType)}"));
                return rows;
            }
            int index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int line = lines.LineAt(reader.TokenStartIndex);
                if (index >= limits.MaxRows)
                {
                    errors.Add(new DatasetError(line, index, null, $"more than {limits.MaxRows} rows (the limit)"));
                    return rows;
                }
                using var item = JsonDocument.ParseValue(ref reader);
                if (FromElement(item.RootElement, line, index, errors) is { } row) rows.Add(row);
                index++;
            }
            reader.Read(); // throws on anything but whitespace after the array
        }
        catch (JsonException e)
        {
            errors.Add(new DatasetError(e.LineNumber is long l ? (int)l + 1 : null, null, null, $"invalid JSON: {Clean(e)}"));
        }
        return rows;
    }

    public static List<RawRow> FromLines(ReadOnlyMemory<byte> utf8, DatasetLimits limits, List<DatasetError> errors)
    {
        var rows = new List<RawRow>();
        var options = new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth - 1 }; // no enclosing array here
        int start = 0, line = 0, count = 0;
        var span = utf8.Span;
        while (start < utf8.Length)
        {
            line++;
            int length = span[start..].IndexOf((byte)'\n');
            int next = length < 0 ? utf8.Length : start + length + 1;
            var text = utf8[start..(length < 0 ? utf8.Length : start + length)];
            start = next;
            if (text.Span.Trim(" \t\r"u8).IsEmpty) continue;
            if (++count > limits.MaxRows)
            {
                errors.Add(new DatasetError(line, null, null, $"more than {limits.MaxRows} rows (the limit)"));
                return rows;
            }
            try
            {
                using var item = JsonDocument.Parse(text, options);
                if (FromElement(item.RootElement, line, null, errors) is { } row) rows.Add(row);
            }
            catch (JsonException e)
            {
                errors.Add(new DatasetError(line, null, null, $"invalid JSON: {Clean(e)}"));
            }
        }
        return rows;
    }

    static RawRow? FromElement(JsonElement element, int line, int? index, List<DatasetError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new DatasetError(line, index, null, $"expected an object of string fields, found {Describe(element.ValueKind)}"));
            return null;
        }
        var fields = new Dictionary<string, RawField>(StringComparer.Ordinal);
        bool ok = true;
        foreach (var property in element.EnumerateObject())
        {
            if (fields.ContainsKey(property.Name))
            {
                errors.Add(new DatasetError(line, index, property.Name, "appears more than once in the object"));
                ok = false;
                continue;
            }
            var value = property.Value;
            fields[property.Name] = value.ValueKind == JsonValueKind.String
                ? RawField.String(value.GetString()!)
                : new RawField(null, Describe(value.ValueKind));
        }
        return ok ? new RawRow(line, index, fields) : null;
    }

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>System.Text.Json's message without its own " LineNumber: … | BytePositionInLine: …" suffix (the
    /// line is reported separately, 1-based).</summary>
    static string Clean(JsonException e)
    {
        string message = e.Message;
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        message = at > 0 ? message[..at] : message;
        return e.BytePositionInLine is long column ? $"{message.TrimEnd('.')} (byte {column + 1} of the line)" : message;
    }

    /// <summary>Maps increasing byte offsets to 1-based line numbers in one pass over the text.</summary>
    sealed class LineCounter(ReadOnlyMemory<byte> utf8)
    {
        long offset;
        int line = 1;

        public int LineAt(long position)
        {
            if (position < offset) { offset = 0; line = 1; }
            line += utf8.Span[(int)offset..(int)position].Count((byte)'\n');
            offset = position;
            return line;
        }
    }
}
