namespace SteerLab.Shared.Datasets;

/// <summary>A change of a dataset's name and/or description; a null member is left as it is. The pairs never change:
/// different pairs are a different dataset (a new upload).</summary>
public sealed record DatasetEdit(string? Name = null, string? Description = null);

/// <summary>The rules for a dataset's name and description, shared by the pages (to say what is wrong while typing)
/// and the server (which enforces them).</summary>
public static class DatasetTexts
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;

    /// <summary>Why <paramref name="name"/> is not acceptable, or null when it is.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "a name is required"
        : name.Trim().Length > MaxNameLength ? $"at most {MaxNameLength} characters"
        : null;

    /// <summary>Why <paramref name="description"/> is not acceptable, or null when it is.</summary>
    public static string? DescriptionProblem(string? description) =>
        description is { Length: > MaxDescriptionLength } ? $"at most {MaxDescriptionLength} characters" : null;

    /// <summary>The problems of an edit, keyed by field ("name", "description"), for a validation response.</summary>
    public static Dictionary<string, string[]> Problems(DatasetEdit edit)
    {
        var problems = new Dictionary<string, string[]>();
        if (edit.Name is not null && NameProblem(edit.Name) is { } name) problems["name"] = [name];
        if (DescriptionProblem(edit.Description) is { } description) problems["description"] = [description];
        return problems;
    }
}
