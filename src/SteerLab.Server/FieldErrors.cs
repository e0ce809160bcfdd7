namespace SteerLab.Server;

/// <summary>Problems by field name, in the shape ValidationProblem writes (<c>{"errors": {"openEnded.judge.kind": ["…"]}}</c>);
/// a field may collect several.</summary>
public sealed class FieldErrors
{
    readonly Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    public int Count => errors.Count;

    public bool Has(string field) => errors.ContainsKey(field);

    public void Add(string field, string problem) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], problem];

    public IReadOnlyDictionary<string, string[]> ToDictionary() => new Dictionary<string, string[]>(errors, StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, string[]> None { get; } = new Dictionary<string, string[]>();

    public static IReadOnlyDictionary<string, string[]> One(string field, string problem) => new Dictionary<string, string[]> { [field] = [problem] };
}
