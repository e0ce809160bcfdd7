using SteerLab.Engine.Sae.Dashboards;

namespace SteerLab.Engine.Tests.Sae.Dashboards;

/// <summary>The streaming histogram widens by merging bin pairs without losing counts, ending with the same counts as
/// binning every value directly at its final width, and the bounded top-k keeps the largest values.</summary>
public sealed class StreamingHistogramTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(10, 2)]
    [InlineData(7, 3)]
    public void Counts_EqualDirectBinningAtTheFinalWidth(int bins, int seed)
    {
        var random = new Random(seed);
        // Small values first, then ever larger ones: forces several merges.
        var values = Enumerable.Range(0, 2000).Select(i => random.NextDouble() * Math.Pow(1.005, i)).ToList();
        var histogram = new StreamingHistogram(bins);
        foreach (double v in values) histogram.Add(v);

        Assert.Equal(values.Count, histogram.Count);
        Assert.Equal(values.Count, histogram.Counts.Sum());
        var expected = new long[bins];
        foreach (double v in values) expected[Math.Min((int)(v / histogram.BinWidth), bins - 1)]++;
        Assert.Equal(expected, histogram.Counts.ToArray());
        Assert.True(values.Max() < histogram.BinWidth * bins, "every value is inside the range");
    }

    [Fact]
    public void Add_RefusesNegativeAndNaN()
    {
        var histogram = new StreamingHistogram(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(double.NaN));
    }

    [Fact]
    public void TopContexts_KeepTheLargest_TiesToTheEarlierToken()
    {
        var top = new TopActivatingContexts(3);
        float[] activations = [1, 5, 3, 5, 2, 4];
        for (int i = 0; i < activations.Length; i++) top.Offer(new ActivatingContext(0, i, activations[i], [i], 0, null));
        Assert.Equal([(5f, 1), (5f, 3), (4f, 5)], top.Descending().Select(c => (c.Activation, c.Position)));
        Assert.False(top.WouldKeep(4, 0, 9), "an equal activation later in the corpus loses the tie");
        Assert.True(top.WouldKeep(4.5f, 0, 9));
    }
}
