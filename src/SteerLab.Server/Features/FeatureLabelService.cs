using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Features;

namespace SteerLab.Server.Features;

/// <summary>Feature labels over the database (<see cref="FeatureLabel"/>, one per SAE and feature). Imports never replace
/// a label a person typed unless asked: that label is deliberate work, an export is bulk output of an explainer model.
/// A re-import does replace earlier imported labels, so a newer export refreshes them. Labels belong to a team (one
/// team's names for a public SAE's features are its own work, and nobody else may overwrite them).</summary>
public sealed class FeatureLabelService(IDbContextFactory<SteerLabDbContext> contexts, TeamScope scope, TimeProvider clock, ILogger<FeatureLabelService> logger) : IFeatureLabelService
{
    public const int MaxSaeIdLength = 512; // the column's size
    public const int MaxFeaturesPerQuery = 10_000;

    public long MaxImportBytes => FeatureLabelImportParser.MaxBytes;

    public async Task<IReadOnlyDictionary<int, FeatureLabelView>> GetAsync(string saeId, IReadOnlyCollection<int> features, CancellationToken cancellationToken = default)
    {
        CheckSaeId(saeId);
        if (features.Count > MaxFeaturesPerQuery) throw new ArgumentException($"ask for at most {MaxFeaturesPerQuery} features at a time");
        if (features.Count == 0) return new Dictionary<int, FeatureLabelView>();
        var wanted = features.Distinct().ToList();
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.FeatureLabels.AsNoTracking().Where(l => l.TeamId == team && l.SaeId == saeId && wanted.Contains(l.FeatureIndex)).ToListAsync(cancellationToken);
        return rows.ToDictionary(l => l.FeatureIndex, ToView);
    }

    public async Task<FeatureLabelView?> SetAsync(string saeId, int feature, string? label, CancellationToken cancellationToken = default)
    {
        CheckSaeId(saeId);
        if (feature < 0) throw new ArgumentException($"feature indices are ≥ 0, got {feature}");
        string text = (label ?? "").Trim();
        if (text.Length > FeatureLabelSources.MaxLabelLength) throw new ArgumentException($"a label is at most {FeatureLabelSources.MaxLabelLength} characters; this one has {text.Length}");
        var team = (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.FeatureLabels.FirstOrDefaultAsync(l => l.TeamId == team && l.SaeId == saeId && l.FeatureIndex == feature, cancellationToken);
        if (text.Length == 0)
        {
            if (row is null) return null;
            db.FeatureLabels.Remove(row);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        if (row is null) db.FeatureLabels.Add(row = new FeatureLabel { TeamId = team, SaeId = saeId, FeatureIndex = feature, Label = text, Source = FeatureLabelSources.User });
        row.Label = text;
        row.Source = FeatureLabelSources.User;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try { await db.SaveChangesAsync(cancellationToken); }
        catch (DbUpdateException)
        {
            // Someone labelled the same feature at the same moment: theirs was first, this one replaces it.
            await using var again = await contexts.CreateDbContextAsync(cancellationToken);
            var winner = await again.FeatureLabels.FirstAsync(l => l.TeamId == team && l.SaeId == saeId && l.FeatureIndex == feature, cancellationToken);
            winner.Label = text;
            winner.Source = FeatureLabelSources.User;
            winner.UpdatedAt = row.UpdatedAt;
            await again.SaveChangesAsync(cancellationToken);
            return ToView(winner);
        }
        return ToView(row);
    }

    public async Task<FeatureLabelImportResult> ImportAsync(string saeId, int? saeWidth, ReadOnlyMemory<byte> export, string source,
        bool overwriteUserLabels = false, CancellationToken cancellationToken = default)
    {
        CheckSaeId(saeId);
        var parsed = FeatureLabelImportParser.Parse(export.Span, saeWidth);
        if (parsed.Problems.Count > 0) return FeatureLabelImportResult.Refused(parsed.Problems);

        var team = (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var existing = await db.FeatureLabels.Where(l => l.TeamId == team && l.SaeId == saeId).ToDictionaryAsync(l => l.FeatureIndex, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        int added = 0, replaced = 0, kept = 0;
        foreach (var (feature, label) in parsed.Labels)
        {
            if (!existing.TryGetValue(feature, out var row))
            {
                db.FeatureLabels.Add(new FeatureLabel { TeamId = team, SaeId = saeId, FeatureIndex = feature, Label = label, Source = FeatureLabelSources.Import, UpdatedAt = now });
                added++;
            }
            else if (row.Source == FeatureLabelSources.User && !overwriteUserLabels) kept++;
            else
            {
                if (row.Label != label || row.Source != FeatureLabelSources.Import)
                {
                    row.Label = label;
                    row.Source = FeatureLabelSources.Import;
                    row.UpdatedAt = now;
                }
                replaced++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Imported {Count} feature labels for SAE {Sae} from {Source}: {Added} new, {Replaced} replaced, {Kept} people's labels kept",
            parsed.Labels.Count, saeId, source, added, replaced, kept);
        return new FeatureLabelImportResult(parsed.Items, added, replaced, kept, parsed.Duplicates, []);
    }

    static void CheckSaeId(string saeId)
    {
        if (string.IsNullOrWhiteSpace(saeId)) throw new ArgumentException("name the SAE (\"{release}/{id}\")");
        if (saeId.Length > MaxSaeIdLength) throw new ArgumentException($"an SAE id is at most {MaxSaeIdLength} characters");
    }

    static FeatureLabelView ToView(FeatureLabel row) => new(row.FeatureIndex, row.Label, row.Source, row.UpdatedAt);
}
