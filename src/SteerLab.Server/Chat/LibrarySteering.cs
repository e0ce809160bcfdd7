using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Server.Vectors;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Chat;

/// <summary>Turns library vector ids with coefficients into a generate job's steering knobs: each vector's stored
/// document, and for a sparse vector the SAE folder its document's <c>sae.id</c> names under the model roots.</summary>
public static class LibrarySteering
{
    /// <summary>The knobs in order, or an error naming the first vector the team can neither read in its library nor
    /// through a share.</summary>
    public static async Task<(SteeringKnobParameters[]? Knobs, string? Error)> ResolveAsync(
        IReadOnlyList<(Guid VectorId, double Lambda)> steering, Guid teamId, IDbContextFactory<SteerLabDbContext> databases, CancellationToken cancellation)
    {
        var knobs = new SteeringKnobParameters[steering.Count];
        if (steering.Count == 0) return (knobs, null);
        await using var db = await databases.CreateDbContextAsync(cancellation);
        for (int i = 0; i < steering.Count; i++)
        {
            var (vectorId, lambda) = steering[i];
            // The team's own vectors and those shared with it (read-only) both steer.
            var entity = await db.Vectors.AsNoTracking().ReadableBy(db, teamId).FirstOrDefaultAsync(v => v.Id == vectorId, cancellation);
            if (entity is null) return (null, $"steering[{i}]: there is no vector {vectorId}");
            knobs[i] = new SteeringKnobParameters(entity.DocumentJson, lambda, SaeFolder(entity.DocumentJson));
        }
        return (knobs, null);
    }

    static string? SaeFolder(string documentJson)
    {
        using var document = JsonDocument.Parse(documentJson);
        return document.RootElement.TryGetProperty("sae", out var sae) && sae.ValueKind == JsonValueKind.Object
            && sae.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
    }
}
