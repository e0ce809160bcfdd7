using System.Text;
using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Server.Data;

namespace SteerLab.Server.Vectors;

/// <summary>A library vector: its row and its document as the engine reads it.</summary>
public sealed record LibraryVector(SteeringVectorEntity Entity, SteeringVector Vector);

/// <summary>Reads the vectors a team asked for by id (compare, evaluation runs): only those the team may read
/// (<see cref="VectorVisibility"/>), each stored document parsed by the engine's own reader so that a row edited by hand
/// is caught rather than trusted.</summary>
public static class LibraryVectors
{
    /// <summary>The vectors in the order asked (repeats dropped); or a problem naming the first id the team cannot read
    /// ("there is no vector …", as for an id that does not exist), too many or too few ids, or an unreadable document.</summary>
    public static async Task<(IReadOnlyList<LibraryVector> Vectors, string? Problem)> ReadAsync(SteerLabDbContext db, Guid team, IReadOnlyList<Guid> ids,
        int maxVectors, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0) return ([], "choose at least one vector");
        if (distinct.Count > maxVectors) return ([], $"at most {maxVectors} vectors at once, got {distinct.Count}");
        // Reading only: the team's own vectors and those shared with it.
        var rows = await db.Vectors.AsNoTracking().ReadableBy(db, team).Where(v => distinct.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
        if (distinct.Where(id => !rows.ContainsKey(id)).ToList() is [var missing, ..]) return ([], $"there is no vector {missing}");
        var vectors = new List<LibraryVector>(distinct.Count);
        foreach (var id in distinct)
        {
            var entity = rows[id];
            try { vectors.Add(new LibraryVector(entity, VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(entity.DocumentJson), $"stored vector {entity.Id}"))); }
            catch (VectorImportException e) { return ([], $"the stored document of vector {entity.Id} cannot be read: {e.Message}"); }
        }
        return (vectors, null);
    }
}
