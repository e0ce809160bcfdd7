using System.Text.Json;
using SteerLab.Engine.Steering;
using SteerLab.Server.Data;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Vectors;

/// <summary>Stored vectors as the pages and the API show them.</summary>
static class VectorViews
{
    /// <summary>The list's view of a stored vector. Norms and the dataset's name are not columns: they are read from
    /// the stored document (written by the engine at import, so trusted and complete).</summary>
    public static VectorSummary ToSummary(SteeringVectorEntity entity)
    {
        using var document = JsonDocument.Parse(entity.DocumentJson);
        var root = document.RootElement;
        bool sparse = root.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Object;
        double l2 = 0;
        int l0 = 0;
        if (root.TryGetProperty("norms", out var norms) && norms.ValueKind == JsonValueKind.Object)
        {
            if (norms.TryGetProperty("l2", out var l2Value) && l2Value.ValueKind == JsonValueKind.Number) l2 = l2Value.GetDouble();
            if (norms.TryGetProperty("l0", out var l0Value) && l0Value.ValueKind == JsonValueKind.Number) l0 = l0Value.GetInt32();
        }
        string? datasetName = root.TryGetProperty("dataset", out var dataset) && dataset.ValueKind == JsonValueKind.Object
            && dataset.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        return new VectorSummary(entity.Id, entity.Name, entity.Method, entity.Hook, entity.Model, sparse, l2, l0,
            datasetName, entity.DatasetHash, entity.CreatedAt);
    }

    public static VectorDetail ToDetail(SteeringVectorEntity entity, SteeringVector vector, int topEntries)
    {
        var (softwareName, softwareVersion) = Software(entity.DocumentJson);
        var values = vector.Dense ?? vector.Sparse!.Values;
        var entries = vector.Sparse is { } sparse
            ? VectorEntryRanking.FromSparse(sparse.Indices, sparse.Values)
            : VectorEntryRanking.FromDense(vector.Dense!);
        return new VectorDetail(
            ToSummary(entity),
            vector.Id,
            vector.Description,
            vector.Behaviour,
            vector.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new VectorParameter(p.Key, JsonSerializer.SerializeToElement(p.Value, p.Value.GetType()))).ToList(),
            vector.DModel,
            vector.Hook.Layer,
            vector.Sparse?.Width ?? vector.DModel,
            new VectorNorms(vector.L1Norm, vector.L2Norm, vector.L0, values.Count(v => v > 0), values.Count(v => v < 0)),
            new VectorProvenance(
                vector.ModelId,
                vector.ModelRevision,
                vector.Dataset is { } d ? new VectorDatasetReference(d.Name, d.ContentHash, d.PairCount) : null,
                vector.Sae is { } s ? new VectorSaeReference(s.Release, s.Id, s.Width, s.Sha256) : null,
                vector.CreatedBy,
                vector.CreatedAt,
                softwareName,
                softwareVersion),
            VectorEntryRanking.Top(entries, topEntries));
    }

    /// <summary>The document's "software" object; the engine's reader does not carry it into the vector.</summary>
    static (string? Name, string? Version) Software(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("software", out var software) || software.ValueKind != JsonValueKind.Object) return (null, null);
        return (Text(software, "name"), Text(software, "version"));

        static string? Text(JsonElement parent, string key) =>
            parent.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
