using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Tests.Support;

namespace SteerLab.Engine.Tests.Steering;

public class OverlapTests
{
    // a = {1: +2, 3: +1, 5: −1}, b = {3: +4, 5: +1, 7: −2}, width 10
    static readonly SparseValues A = new([1, 3, 5], [2f, 1f, -1f], 10);
    static readonly SparseValues B = new([3, 5, 7], [4f, 1f, -2f], 10);

    [Fact]
    public void Jaccard_OfAllPositiveAndNegativeSupports()
    {
        // all:      {1,3,5} vs {3,5,7}: ∩ {3,5}, ∪ {1,3,5,7} → 2/4
        // positive: {1,3}   vs {3,5}:   ∩ {3},   ∪ {1,3,5}   → 1/3
        // negative: {5}     vs {7}:     ∩ ∅,     ∪ {5,7}     → 0
        Assert.Equal(0.5, Overlap.Jaccard(A, B), 12);
        Assert.Equal(1.0 / 3, Overlap.Jaccard(A, B, SupportKind.Positive), 12);
        Assert.Equal(0, Overlap.Jaccard(A, B, SupportKind.Negative), 12);
        Assert.Equal(1, Overlap.Jaccard(A, A), 12);
    }

    [Fact]
    public void Jaccard_OfTwoEmptySupports_IsOne_AndStoredZerosAreNotSupport()
    {
        var positiveOnly = new SparseValues([2, 4], [1f, 3f], 10);
        var withStoredZero = new SparseValues([2, 4, 6], [1f, 3f, 0f], 10);
        Assert.Equal(1, Overlap.Jaccard(positiveOnly, positiveOnly, SupportKind.Negative));
        Assert.Equal(1, Overlap.Jaccard(new SparseValues([], [], 10), new SparseValues([], [], 10)));
        Assert.Equal(1, Overlap.Jaccard(positiveOnly, withStoredZero));
        Assert.Equal(0, Overlap.Jaccard(positiveOnly, new SparseValues([], [], 10)));
    }

    [Fact]
    public void Jaccard_RejectsVectorsOverDifferentWidths() =>
        Assert.Throws<ArgumentException>(() => Overlap.Jaccard(A, new SparseValues([1], [1f], 11)));

    [Fact]
    public void Cosine_OfHandMadeVectors()
    {
        Assert.Equal(1 / Math.Sqrt(2), Overlap.Cosine([1f, 0f], [1f, 1f]), 12);
        Assert.Equal(-1, Overlap.Cosine([1f, 2f, 3f], [-2f, -4f, -6f]), 12);
        Assert.Equal(0, Overlap.Cosine([1f, 0f], [0f, 5f]), 12);
        Assert.Equal(0, Overlap.Cosine([0f, 0f], [1f, 1f]));
        Assert.Throws<ArgumentException>(() => Overlap.Cosine([1f], [1f, 2f]));
    }

    [Fact]
    public void Matrix_UsesJaccardForSparsePairs_CosineForDensePairs_AndMarksTheRest()
    {
        var hook = new HookPoint(2, HookKind.ResidPost);
        var sae = new SaeReference("release", "sae", 10, null);
        SteeringVector Sparse(SparseValues values, SaeReference reference) => new()
        { Name = "s", Method = SteeringMethod.Sas, Hook = hook, DModel = 2, Sparse = values, Sae = reference };
        SteeringVector Dense(params float[] values) => new() { Name = "d", Method = SteeringMethod.Caa, Hook = hook, DModel = values.Length, Dense = values };
        var vectors = new[]
        {
            Sparse(A, sae), Sparse(B, sae), Dense(1, 0), Dense(1, 1),
            Sparse(A, sae with { Id = "other" }), Dense(1, 0, 0),
        };
        var matrix = Overlap.Matrix(vectors);
        Assert.Equal(0.5, matrix.Values[0][1], 12);
        Assert.Equal(OverlapMeasure.Jaccard, matrix.Measures[1][0]);
        Assert.Equal(1 / Math.Sqrt(2), matrix.Values[3][2], 12);
        Assert.Equal(OverlapMeasure.Cosine, matrix.Measures[2][3]);
        Assert.Equal(OverlapMeasure.NotComparable, matrix.Measures[0][2]);  // sparse × dense
        Assert.Equal(OverlapMeasure.NotComparable, matrix.Measures[0][4]);  // different SAEs
        Assert.Equal(OverlapMeasure.NotComparable, matrix.Measures[2][5]);  // different d_model
        for (int i = 0; i < vectors.Length; i++) Assert.Equal(1, matrix.Values[i][i], 12);
        Assert.Equal(1.0 / 3, Overlap.Matrix(vectors, SupportKind.Positive).Values[0][1], 12);
        Assert.Equal(vectors.Select(v => v.Id), matrix.VectorIds);
    }

    [Fact]
    public void ProjectingADecoderRow_LandsOnThatFeature()
    {
        using var sae = TinySae.Random(16, 64, SaeActivation.Relu, seed: 11);
        foreach (int feature in new[] { 0, 7, 63 })
        {
            var row = sae.WDec[feature].data<float>().ToArray();
            double norm = Math.Sqrt(row.Sum(x => (double)x * x));
            var top1 = Overlap.ProjectOntoSae(row, sae, k: 1);
            Assert.Equal([feature], top1.Indices);
            Assert.Equal(norm, top1.Values[0], 5);

            // Negated, it lands on the same feature with a negative value (a suppressing entry).
            var negated = Overlap.ProjectOntoSae(row.Select(x => -x).ToArray(), sae, k: 1);
            Assert.Equal([feature], negated.Indices);
            Assert.Equal(-norm, negated.Values[0], 5);

            // Scaling changes values, not the support.
            var top5 = Overlap.ProjectOntoSae(row, sae, k: 5);
            Assert.Equal(top5.Indices, Overlap.ProjectOntoSae(row.Select(x => 3 * x).ToArray(), sae, k: 5).Indices);
            Assert.Contains(feature, top5.Indices);
            Assert.Equal(5, top5.Support);
            Assert.Equal(top5.Indices.Order(), top5.Indices);
        }
    }

    [Fact]
    public void Projection_LeavesDeadFeaturesOut()
    {
        using var sae = TinySae.Random(16, 64, SaeActivation.Relu, seed: 11);
        sae.WDec[5].zero_();
        var anyVector = Enumerable.Range(0, 16).Select(i => (float)Math.Sin(i + 1)).ToArray();
        var all = Overlap.ProjectOntoSae(anyVector, sae, k: 64);
        Assert.DoesNotContain(5, all.Indices);
        Assert.Equal(63, all.Support);
        Assert.All(all.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void ProjectingASumOfDecoderRows_RecoversThemAsTheTopFeatures()
    {
        // Two well-separated features dominate a combination of their (roughly orthogonal, 16-d) directions.
        using var sae = TinySae.Random(16, 64, SaeActivation.Relu, seed: 11);
        var rows = sae.WDec.data<float>().ToArray();
        float[] Row(int j) => rows.Skip(j * 16).Take(16).ToArray();
        double Norm(float[] r) => Math.Sqrt(r.Sum(x => (double)x * x));
        var (r3, r40) = (Row(3), Row(40));
        var combination = r3.Select((x, i) => (float)(5 * x / Norm(r3) - 5 * r40[i] / Norm(r40))).ToArray();
        var view = Overlap.ProjectOntoSae(combination, sae, k: 2);
        Assert.Equal([3, 40], view.Indices);
        Assert.True(view.Values[0] > 0 && view.Values[1] < 0);
    }
}
