namespace SteerLab.Shared.Vectors;

/// <summary>Which entries of a vector matter most: the ordering the server uses to pick the top entries and the detail
/// page uses to show them.</summary>
public static class VectorEntryRanking
{
    /// <summary>Largest |weight| first; equal magnitudes by index, so the order never depends on the input's order.</summary>
    public static IComparer<VectorEntry> ByMagnitude { get; } = Comparer<VectorEntry>.Create((a, b) =>
    {
        int byMagnitude = Math.Abs(b.Weight).CompareTo(Math.Abs(a.Weight));
        return byMagnitude != 0 ? byMagnitude : a.Index.CompareTo(b.Index);
    });

    /// <summary>The <paramref name="count"/> entries with the largest |weight|, in <see cref="ByMagnitude"/> order.
    /// Zero weights are left out: they are not part of the vector's support.</summary>
    public static IReadOnlyList<VectorEntry> Top(IEnumerable<VectorEntry> entries, int count) =>
        count <= 0 ? [] : entries.Where(e => e.Weight != 0).Order(ByMagnitude).Take(count).ToList();

    /// <summary>A dense vector's coordinates as entries (index = coordinate).</summary>
    public static IEnumerable<VectorEntry> FromDense(IReadOnlyList<float> values) => values.Select((w, i) => new VectorEntry(i, w));

    /// <summary>A sparse vector's stored entries.</summary>
    public static IEnumerable<VectorEntry> FromSparse(IReadOnlyList<int> indices, IReadOnlyList<float> values) =>
        indices.Select((index, i) => new VectorEntry(index, values[i]));
}
