namespace SteerLab.Shared.Vectors;

/// <summary>Which vectors to list. Empty or null filters match everything.</summary>
/// <param name="Methods">Any of these methods ("caa", "sas"…).</param>
/// <param name="Model">Exactly this model id.</param>
/// <param name="Hook">Exactly this hook point.</param>
/// <param name="Text">Part of the name, any case.</param>
/// <param name="Take">At most this many, newest first (capped at <see cref="MaxTake"/>).</param>
public sealed record VectorQuery(
    IReadOnlyList<string>? Methods = null,
    string? Model = null,
    string? Hook = null,
    string? Text = null,
    int Take = VectorQuery.DefaultTake)
{
    public const int DefaultTake = 200;
    public const int MaxTake = 1000;

    public bool IsEmpty => (Methods is null || Methods.Count == 0) && string.IsNullOrWhiteSpace(Model)
        && string.IsNullOrWhiteSpace(Hook) && string.IsNullOrWhiteSpace(Text);
}

/// <summary>The values the list's filters can take: every model and hook some stored vector has.</summary>
public sealed record VectorFacets(IReadOnlyList<string> Models, IReadOnlyList<string> Hooks);
