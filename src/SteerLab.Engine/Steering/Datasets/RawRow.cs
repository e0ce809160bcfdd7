namespace SteerLab.Engine.Steering.Datasets;

/// <summary>One field as found in the file: its text when it is a string, else null with the JSON kind it has
/// ("number", "null", "object", …).</summary>
internal readonly record struct RawField(string? Text, string Kind)
{
    public static RawField String(string text) => new(text, "string");
}

/// <summary>One row of a dataset file before validation, with where it starts (see <see cref="DatasetError"/>).</summary>
internal sealed record RawRow(int? Line, int? Index, IReadOnlyDictionary<string, RawField> Fields);
