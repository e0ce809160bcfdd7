using SteerLab.Engine.Evaluation.Report;

namespace SteerLab.Engine.Tests.Report;

public class PairedBootstrapTests
{
    static readonly double[] Baseline = [0.1, 0.2, 0.3, 0.2, 0.1, 0.4, 0.3, 0.2];
    static readonly double[] Dense = [0.9, 0.8, 0.9, 0.7, 0.8, 1.0, 0.9, 0.8];

    [Fact]
    public void TheDenseVectorKeepsAllOfItsEffect_AndTheBaselineNone()
    {
        var all = PairedBootstrap.FractionOfEffect(Dense, Baseline, Dense);
        Assert.Equal(1, all.Mean, 12);
        Assert.Equal(1, all.Low, 12);
        Assert.Equal(1, all.High, 12);
        var none = PairedBootstrap.FractionOfEffect(Baseline, Baseline, Dense);
        Assert.Equal(0, none.Mean, 12);
    }

    [Fact]
    public void HalfwayValues_GiveAboutHalf_WithAnIntervalAroundIt_ReproduciblyForOneSeed()
    {
        var half = Baseline.Zip(Dense, (b, d) => (b + d) / 2 + (b * 7 % 0.05)).ToArray();
        var first = PairedBootstrap.FractionOfEffect(half, Baseline, Dense, seed: 3);
        var again = PairedBootstrap.FractionOfEffect(half, Baseline, Dense, seed: 3);
        Assert.Equal(first, again);
        Assert.InRange(first.Mean, 0.45, 0.6);
        Assert.True(first.Low <= first.Mean && first.Mean <= first.High, $"{first}");
        Assert.Equal(Baseline.Length, first.N);
    }

    [Fact]
    public void NoDenseEffect_MeansNoFraction_AndMissingItemsAreSkipped()
    {
        var undefined = PairedBootstrap.FractionOfEffect(Dense, Baseline, Baseline);
        Assert.True(double.IsNaN(undefined.Mean));
        Assert.False(undefined.HasInterval);
        var gappy = Dense.Select((d, i) => i == 2 ? double.NaN : d).ToArray();
        Assert.Equal(1, PairedBootstrap.FractionOfEffect(gappy, Baseline, gappy).Mean, 12);
        Assert.Throws<ArgumentException>(() => PairedBootstrap.FractionOfEffect([1.0], Baseline, Dense));
    }
}
