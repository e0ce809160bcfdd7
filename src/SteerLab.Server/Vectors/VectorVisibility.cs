using SteerLab.Server.Data;

namespace SteerLab.Server.Vectors;

/// <summary>Which vectors a team may read: its own, and those another team shares with it (not revoked). Every read path
/// of vectors (library, export, chat steering, compare) goes through this; every write path stays with
/// <c>v.TeamId == team</c>.</summary>
public static class VectorVisibility
{
    public static IQueryable<SteeringVectorEntity> ReadableBy(this IQueryable<SteeringVectorEntity> vectors, SteerLabDbContext db, Guid team) =>
        vectors.Where(v => v.TeamId == team || db.VectorShares.Any(s => s.VectorId == v.Id && s.TeamId == team && s.RevokedAt == null));

    /// <summary>The names of the teams owning those of <paramref name="rows"/> that are not <paramref name="team"/>'s own.</summary>
    public static async Task<Dictionary<Guid, string>> OwnerNamesAsync(SteerLabDbContext db, IEnumerable<SteeringVectorEntity> rows, Guid team,
        CancellationToken cancellationToken)
    {
        var owners = rows.Where(v => v.TeamId != team).Select(v => v.TeamId).Distinct().ToList();
        if (owners.Count == 0) return [];
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToDictionaryAsync(
            db.Teams.Where(t => owners.Contains(t.Id)), t => t.Id, t => t.Name, cancellationToken);
    }
}
