namespace SteerLab.Server;

/// <summary>The application's settings, bound from the configuration section "SteerLab"
/// (appsettings.json, or environment variables such as <c>SteerLab__ModelRoots__0=/models</c>).</summary>
public sealed record SteerLabOptions
{
    public const string SectionName = "SteerLab";

    /// <summary>Where SteerLab keeps its database, datasets and exported vectors; relative to the content root.</summary>
    public string DataFolder { get; init; } = "data";

    /// <summary>The only folders models may be loaded from (DESIGN §9).</summary>
    public string[] ModelRoots { get; init; } = [];
}
