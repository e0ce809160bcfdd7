namespace SteerLab.Engine.Evaluation.Report;

/// <summary>A table of preformatted cells (writers escape them). Every row has one cell per column.</summary>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public void Validate()
    {
        if (Columns.Count == 0) throw new ArgumentException($"table '{Caption}' has no columns");
        for (int r = 0; r < Rows.Count; r++)
            if (Rows[r].Count != Columns.Count) throw new ArgumentException($"table '{Caption}': row {r} has {Rows[r].Count} cells for {Columns.Count} columns");
    }
}

/// <summary>One section of the report: the paper's claim, what was measured here, tables, charts and an honest reading of
/// the numbers. <see cref="WallSeconds"/> is how long the section took (models, SAEs and shared baselines it reused
/// excluded). <see cref="Notes"/> are extra lines (settings, caveats) shown under the tables.</summary>
public sealed record ReportSection
{
    public required ReportSectionId Id { get; init; }
    public required string Title { get; init; }
    public required string Claim { get; init; }
    public required string Measured { get; init; }
    public required IReadOnlyList<ReportTable> Tables { get; init; }
    public required IReadOnlyList<ChartSpec> Charts { get; init; }
    public required string Reading { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
    public double WallSeconds { get; init; }

    /// <summary>The anchor used by both writers ("section-sas-vs-caa").</summary>
    public string Anchor => "section-" + string.Concat(Id.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>The whole report: a title, the command that produced it (shown first), the provenance header (label, value)
/// rows, an introduction, the sections.</summary>
public sealed record ReportDocument(string Title, string Command, IReadOnlyList<(string Label, string Value)> Header, string Introduction,
    IReadOnlyList<ReportSection> Sections);
