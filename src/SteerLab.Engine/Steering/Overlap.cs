using SteerLab.Engine.Sae;
using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering;

/// <summary>Which part of a sparse vector's support to compare.</summary>
public enum SupportKind { All, Positive, Negative }

/// <summary>How a cell of an overlap matrix was measured. Pairs that cannot be compared (a dense and a sparse
/// vector, sparse vectors over different SAEs, dense vectors of different d_model) hold 0 and say so here.</summary>
public enum OverlapMeasure { Jaccard, Cosine, NotComparable }

/// <summary>A symmetric matrix over a list of vectors, for heat maps: Values[i][j] measured as Measures[i][j].</summary>
public sealed record OverlapMatrix(IReadOnlyList<string> VectorIds, double[][] Values, OverlapMeasure[][] Measures);

/// <summary>How much vectors overlap (DESIGN §5, Overlap): sparse vectors by the Jaccard index of their supports
/// (all, positive or negative), dense vectors by cosine, and a dense vector's sparse view in an SAE's space.</summary>
public static class Overlap
{
    /// <summary>|A ∩ B| / |A ∪ B| of the chosen supports. Two empty supports are the same set, so J(∅, ∅) = 1
    /// (scipy's convention; it also keeps the diagonal of a heat map at 1 for a vector with, say, no negative
    /// entries). Vectors over SAEs of different widths cannot be compared and are rejected.</summary>
    public static double Jaccard(SparseValues a, SparseValues b, SupportKind kind = SupportKind.All)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width)
            throw new ArgumentException($"supports over SAEs of different widths ({a.Width} and {b.Width}) cannot be compared");
        var setA = Support(a, kind).ToHashSet();
        var setB = Support(b, kind).ToHashSet();
        int union = setA.Union(setB).Count();
        if (union == 0) return 1.0;
        return (double)setA.Intersect(setB).Count() / union;
    }

    /// <summary>The indices of non-zero (positive, negative) entries.</summary>
    public static IEnumerable<int> Support(SparseValues vector, SupportKind kind) => kind switch
    {
        SupportKind.Positive => vector.PositiveSupport,
        SupportKind.Negative => vector.NegativeSupport,
        _ => vector.Indices.Where((_, i) => vector.Values[i] != 0),
    };

    /// <summary>a·b / (‖a‖‖b‖) in float64. A zero vector has no direction; its cosine with anything is reported
    /// as 0 rather than NaN so results serialise and heat maps stay numeric.</summary>
    public static double Cosine(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"vectors of different lengths ({a.Count} and {b.Count}) have no cosine");
        double dot = 0, normA = 0, normB = 0;
        for (int i = 0; i < a.Count; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.Sqrt(normA * normB);
    }

    /// <summary>Pairwise overlap for a heat map: two sparse vectors over the same SAE (release, id, width) →
    /// Jaccard of the chosen supports; two dense vectors of the same d_model → cosine (the hook may differ: the
    /// residual stream is one basis across layers); anything else → <see cref="OverlapMeasure.NotComparable"/>.
    /// To put a dense vector beside sparse ones, give it a sparse view first with <see cref="ProjectOntoSae"/>.</summary>
    public static OverlapMatrix Matrix(IReadOnlyList<SteeringVector> vectors, SupportKind kind = SupportKind.All)
    {
        int n = vectors.Count;
        var values = new double[n][];
        var measures = new OverlapMeasure[n][];
        for (int i = 0; i < n; i++) { values[i] = new double[n]; measures[i] = new OverlapMeasure[n]; }
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                var (value, measure) = Pair(vectors[i], vectors[j], kind);
                values[i][j] = values[j][i] = value;
                measures[i][j] = measures[j][i] = measure;
            }
        return new OverlapMatrix(vectors.Select(v => v.Id).ToArray(), values, measures);
    }

    static (double, OverlapMeasure) Pair(SteeringVector a, SteeringVector b, SupportKind kind)
    {
        if (a.Sparse is { } sa && b.Sparse is { } sb)
            return SameSae(a.Sae, b.Sae) && sa.Width == sb.Width ? (Jaccard(sa, sb, kind), OverlapMeasure.Jaccard) : (0, OverlapMeasure.NotComparable);
        if (a.Dense is { } da && b.Dense is { } db)
            return da.Length == db.Length ? (Cosine(da, db), OverlapMeasure.Cosine) : (0, OverlapMeasure.NotComparable);
        return (0, OverlapMeasure.NotComparable);
    }

    static bool SameSae(SaeReference? a, SaeReference? b) =>
        a is not null && b is not null && a.Release == b.Release && a.Id == b.Id && a.Width == b.Width;

    /// <summary>A dense vector's sparse view in an SAE's feature space: p_j = v · W_dec[j] / ‖W_dec[j]‖ (the
    /// length of v along feature j's unit decoder direction, i.e. ‖v‖ times their cosine), keeping the k
    /// entries of largest |p_j|.
    /// <para>Why the decoder: an SAS vector acts on the residual stream only through decoder rows
    /// (a ← a + Σ_{j∈supp v}(s_j − c_j) W_dec[j]), so "which features' directions does this dense vector push
    /// along, and which way" is the comparable question; signs carry over (p_j &lt; 0 means v suppresses j, like
    /// a negative SAS entry), it is linear (α·v has the same support) and needs no base activation. The
    /// alternative encode(b_dec + v) − encode(b_dec) depends on an arbitrary base point, and σ clips it: a
    /// feature inactive at the base point can never come out negative, so it could not show the negative
    /// support that SAS vectors have. A decoder row projects onto its own feature with value ‖W_dec[j]‖ and
    /// cosine 1, the largest any feature can have (barring duplicate rows).</para>
    /// <para>Magnitudes are in activation units and not comparable to SAS code values; compare supports
    /// (Jaccard), not values. Decoder rows of norm 0 (dead features) project to 0.</para></summary>
    public static SparseValues ProjectOntoSae(IReadOnlyList<float> dense, SparseAutoencoder sae, int k)
    {
        ArgumentNullException.ThrowIfNull(sae);
        if (dense.Count != sae.DIn) throw new ArgumentException($"the vector has d = {dense.Count} but the SAE reads d_in = {sae.DIn}");
        if (k < 1 || k > sae.DSae) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, d_sae = {sae.DSae}]");
        using var scope = NewDisposeScope();
        var v = tensor(dense as float[] ?? dense.ToArray(), device: sae.WDec.device);
        var rowNorms = sae.WDec.norm(1);                                    // [m]
        using var tiny = 1e-30.ToScalar();
        var projection = sae.WDec.matmul(v) / rowNorms.clamp_min(tiny);   // [m]
        projection = projection.where(rowNorms.gt(TorchScalars.Zero), zeros_like(projection));
        var (_, top) = projection.abs().topk(k);
        var indices = top.cpu().data<long>().Select(i => (int)i).OrderBy(i => i).ToArray();
        var all = projection.cpu().data<float>().ToArray();
        var kept = indices.Where(i => all[i] != 0).ToArray();
        return new SparseValues(kept, kept.Select(i => all[i]).ToArray(), sae.DSae);
    }

    /// <summary><see cref="ProjectOntoSae(IReadOnlyList{float}, SparseAutoencoder, int)"/> for a dense steering vector.</summary>
    public static SparseValues ProjectOntoSae(SteeringVector vector, SparseAutoencoder sae, int k) =>
        vector.Dense is { } dense ? ProjectOntoSae(dense, sae, k)
            : throw new ArgumentException($"vector '{vector.Name}' is already sparse; only dense vectors are projected");
}
