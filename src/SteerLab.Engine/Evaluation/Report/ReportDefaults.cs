namespace SteerLab.Engine.Evaluation.Report;

/// <summary>What the <c>report</c> verb and the "report" engine job share, so both run the same report from the same
/// names: section names, settings for a quick or full run, the width-SAE cache and the command line shown in the
/// report's header.</summary>
public static class ReportDefaults
{
    /// <summary>Where SAEs trained for the width section are kept (relative to the working folder).</summary>
    public static readonly string CacheFolder = Path.Combine(".cache", "report-saes");

    /// <summary>The CLI's section names: a letter and a word for each section.</summary>
    public static IReadOnlyDictionary<string, ReportSectionId> SectionNames { get; } = new Dictionary<string, ReportSectionId>(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = ReportSectionId.SasVsCaa, ["sas-vs-caa"] = ReportSectionId.SasVsCaa,
        ["b"] = ReportSectionId.DeltaCorrection, ["delta"] = ReportSectionId.DeltaCorrection,
        ["c"] = ReportSectionId.TauSweep, ["tau"] = ReportSectionId.TauSweep,
        ["d"] = ReportSectionId.SaeWidth, ["width"] = ReportSectionId.SaeWidth,
        ["e"] = ReportSectionId.Composition, ["composition"] = ReportSectionId.Composition,
        ["f"] = ReportSectionId.EnrTopK, ["enr"] = ReportSectionId.EnrTopK,
        ["g"] = ReportSectionId.SaeTs, ["sae-ts"] = ReportSectionId.SaeTs,
    };

    /// <summary>A CLI name ("a", "sas-vs-caa") or a <see cref="ReportSectionId"/> name ("SasVsCaa").</summary>
    public static bool TryParseSection(string? name, out ReportSectionId id)
    {
        id = default;
        if (string.IsNullOrWhiteSpace(name)) return false;
        if (SectionNames.TryGetValue(name.Trim(), out id)) return true;
        return !int.TryParse(name, out _) && Enum.TryParse(name.Trim(), ignoreCase: true, out id) && Enum.IsDefined(id);
    }

    /// <summary>The named sections, each once; throws naming <paramref name="what"/> and the unknown name.</summary>
    public static IReadOnlyList<ReportSectionId> ParseSections(IEnumerable<string> names, string what) =>
        names.Select(name => TryParseSection(name, out var id) ? id
                : throw new ArgumentException($"{what}: unknown section '{name}' (use a–g or {string.Join(", ", SectionNames.Keys.Where(k => k.Length > 1))})"))
            .Distinct().ToList();

    /// <summary>The quick or full settings, limited to <paramref name="sections"/> when some are given.</summary>
    public static ReportSettings Settings(bool quick, IReadOnlyList<ReportSectionId>? sections = null)
    {
        var settings = quick ? ReportSettings.Quick() : new ReportSettings();
        return sections is { Count: > 0 } ? settings with { Sections = sections } : settings;
    }

    /// <summary>The command as a user would type it again.</summary>
    public static string CommandLine(IEnumerable<string> arguments) =>
        "dotnet run --project src/SteerLab.Engine -c Release -- report" + string.Concat(arguments.Select(a => " " + (a.Contains(' ') ? $"\"{a}\"" : a)));
}
