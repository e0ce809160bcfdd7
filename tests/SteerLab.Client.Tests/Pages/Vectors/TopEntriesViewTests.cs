using Bunit;
using SteerLab.Client.Pages.Vectors;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

public sealed class TopEntriesViewTests
{
    // Given in no particular order; feature 9 has weight 0 and is not part of the vector's support.
    private static readonly VectorEntry[] Entries =
        [new(5, 0.1f), new(2, -0.9f), new(9, 0f), new(7, 0.5f), new(1, 0.5f), new(4, -0.3f)];

    [Fact]
    public async Task Entries_AreShownLargestMagnitudeFirst_TiesByIndex_ZerosLeftOut()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService());

        var view = ctx.Render<TopEntriesView>(p => p.Add(v => v.Entries, Entries).Add(v => v.IsSparse, true).Add(v => v.NonZeroCount, 5));

        Assert.Equal([2, 1, 7, 4, 5], ShownIndices(view));
        Assert.Equal(["-0.9", "0.5", "0.5", "-0.3", "0.1"], view.FindAll("[data-testid=entry-weight]").Select(c => c.TextContent));
        Assert.Contains("All 5 non-zero features", view.Find("[data-testid=top-entries-caption]").TextContent);
    }

    [Fact]
    public async Task OrderButtons_RearrangeTheSameTopEntries_KeepingTheirRank()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService());
        var view = ctx.Render<TopEntriesView>(p => p.Add(v => v.Entries, Entries).Add(v => v.Count, 3).Add(v => v.NonZeroCount, 5));

        view.Find("[data-testid=order-index]").Click();
        Assert.Equal([1, 2, 7], ShownIndices(view));
        Assert.Equal(["2", "1", "3"], view.FindAll("[data-testid=top-entry] td:first-child").Select(c => c.TextContent));

        view.Find("[data-testid=order-weight]").Click();
        Assert.Equal([1, 7, 2], ShownIndices(view));

        view.Find("[data-testid=order-magnitude]").Click();
        Assert.Equal([2, 1, 7], ShownIndices(view));
    }

    [Fact]
    public async Task Count_KeepsOnlyTheLargestEntries_AndSaysHowManyThereAre()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService());

        var view = ctx.Render<TopEntriesView>(p => p.Add(v => v.Entries, Entries).Add(v => v.Count, 2).Add(v => v.NonZeroCount, 40));

        Assert.Equal([2, 1], ShownIndices(view));
        Assert.Contains("The 2 largest of 40 non-zero coordinates", view.Find("[data-testid=top-entries-caption]").TextContent);
    }

    [Fact]
    public async Task SparseVectors_ShowTheirFeaturesLabels_DenseVectorsHaveNoLabelColumn()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService());
        var labels = new Dictionary<int, SteerLab.Shared.Features.FeatureLabelView>
        {
            [2] = new(2, "past tense", SteerLab.Shared.Features.FeatureLabelSources.Import, DateTime.UtcNow),
        };

        var sparse = ctx.Render<TopEntriesView>(p => p.Add(v => v.Entries, Entries).Add(v => v.IsSparse, true).Add(v => v.FeatureLabels, labels));
        var dense = ctx.Render<TopEntriesView>(p => p.Add(v => v.Entries, Entries).Add(v => v.IsSparse, false).Add(v => v.FeatureLabels, labels));

        var cells = sparse.FindAll("[data-testid=entry-label]");
        Assert.Equal(5, cells.Count);
        Assert.Equal("past tense", cells[0].QuerySelector("[data-testid=label-text]")!.TextContent);
        Assert.NotNull(cells[0].QuerySelector("[data-testid=label-imported]"));
        Assert.NotNull(cells[1].QuerySelector("[data-testid=label-none]"));
        Assert.Empty(sparse.FindAll("[data-testid=label-edit]")); // no SaveLabel: read-only
        Assert.Contains("suppresses", sparse.Markup);
        Assert.Empty(dense.FindAll("[data-testid=entry-label]"));
        Assert.Contains("Coordinate", dense.Markup);
    }

    private static int[] ShownIndices(IRenderedComponent<TopEntriesView> view) =>
        view.FindAll("[data-testid=entry-index]").Select(c => int.Parse(c.TextContent)).ToArray();
}
