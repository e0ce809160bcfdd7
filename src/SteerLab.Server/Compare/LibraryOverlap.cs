using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Shared.Compare;
using EngineMeasure = SteerLab.Engine.Steering.OverlapMeasure;
using EngineSupport = SteerLab.Engine.Steering.SupportKind;
using OverlapMeasure = SteerLab.Shared.Compare.OverlapMeasure;

namespace SteerLab.Server.Compare;

/// <summary>The engine's <see cref="Overlap.Matrix"/> as a heat map's cells: the values and measures come from the
/// engine; this adds what a reader needs beside them (how many features are shared, of how many, and why a pair cannot
/// be compared).</summary>
public static class LibraryOverlap
{
    public static OverlapView Compute(IReadOnlyList<(Guid Id, SteeringVector Vector)> vectors, OverlapSupport support)
    {
        var kind = support switch
        {
            OverlapSupport.Positive => EngineSupport.Positive,
            OverlapSupport.Negative => EngineSupport.Negative,
            _ => EngineSupport.All,
        };
        var matrix = Overlap.Matrix(vectors.Select(v => v.Vector).ToList(), kind);
        var supports = vectors.Select(v => v.Vector.Sparse is { } sparse ? Overlap.Support(sparse, kind).ToHashSet() : null).ToList();
        var cells = new IReadOnlyList<OverlapCell>[vectors.Count];
        for (int i = 0; i < vectors.Count; i++)
        {
            var row = new OverlapCell[vectors.Count];
            for (int j = 0; j < vectors.Count; j++)
            {
                double value = matrix.Values[i][j];
                row[j] = matrix.Measures[i][j] switch
                {
                    EngineMeasure.Jaccard => new OverlapCell(value, OverlapMeasure.Jaccard,
                        supports[i]!.Intersect(supports[j]!).Count(), supports[i]!.Union(supports[j]!).Count()),
                    EngineMeasure.Cosine => new OverlapCell(value, OverlapMeasure.Cosine),
                    _ => new OverlapCell(0, OverlapMeasure.NotComparable, Reason: WhyNotComparable(vectors[i].Vector, vectors[j].Vector)),
                };
            }
            cells[i] = row;
        }
        var labels = vectors.Select(v => new OverlapVector(v.Id, v.Vector.Name, VectorDocument.MethodName(v.Vector.Method),
            v.Vector.IsSparse, v.Vector.Sae is { } sae ? $"{sae.Release}/{sae.Id}" : null, v.Vector.L0, v.Vector.DModel)).ToList();
        return new OverlapView(labels, support, cells);
    }

    /// <summary>The engine's rule (<see cref="Overlap.Matrix"/>) in words.</summary>
    static string WhyNotComparable(SteeringVector a, SteeringVector b) => (a.IsSparse, b.IsSparse) switch
    {
        (true, true) => "different SAEs",
        (false, false) => $"different d_model ({a.DModel} and {b.DModel})",
        _ => "a dense and a sparse vector",
    };
}
