using Bunit;
using SteerLab.Client.Pages.Datasets;
using SteerLab.Client.Tests.Components;
using SteerLab.Shared.Datasets;

namespace SteerLab.Client.Tests.Pages;

public sealed class DatasetDetailsTests
{
    static FakeDatasetService WithStoredDataset(int pairs)
    {
        var dataset = FakeDatasetService.Summary("refusal", pairs) with { Kind = DatasetPairKind.AnswerChoice, Description = "CAA" };
        return new FakeDatasetService
        {
            Stored = (dataset, Enumerable.Range(1, pairs).Select(i => new DatasetPair(i, $"Question {i}", "(A)", "(B)")).ToList()),
        };
    }

    [Fact]
    public async Task Details_ShowFactsAndPagesThroughThePairs()
    {
        var service = WithStoredDataset(60);
        var id = service.Stored!.Value.Dataset.Id;
        await using var ctx = DatasetValidationReportTests.NewContext(service);

        var page = ctx.Render<DatasetDetails>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=dataset-pairs-table] tbody tr").Count));
        Assert.Equal("refusal", page.Find("h1").TextContent);
        Assert.Contains("A/B questions", page.Find("[data-testid=dataset-facts]").TextContent);
        Assert.Contains("Matching answer", page.Find("[data-testid=dataset-pairs-table] thead").TextContent);
        Assert.Equal((id, 0, 25), service.PagesAsked.Last());

        page.Find("[data-testid=dataset-pairs-table] button[aria-label='Next page']").Click();

        page.WaitForAssertion(() => Assert.Equal("Question 26", page.Find("[data-testid=dataset-pairs-table] tbody tr td:nth-child(2)").TextContent));
        Assert.Equal((id, 25, 25), service.PagesAsked.Last());
    }

    [Fact]
    public async Task EditedNameAndDescription_AreSaved()
    {
        var service = WithStoredDataset(3);
        await using var ctx = DatasetValidationReportTests.NewContext(service);
        var page = ctx.Render<DatasetDetails>(p => p.Add(c => c.Id, service.Stored!.Value.Dataset.Id));
        page.WaitForAssertion(() => Assert.Equal("refusal", page.Find("h1").TextContent));

        page.Find("[data-testid=dataset-edit] input").Input("refusal v2");
        page.Find("[data-testid=dataset-edit] textarea").Input("CAA, generation split");
        page.FindAll("[data-testid=dataset-edit] button").Single(b => b.TextContent.Contains("Save")).Click();

        page.WaitForAssertion(() => Assert.Equal("refusal v2", page.Find("h1").TextContent));
        Assert.Equal([new DatasetEdit("refusal v2", "CAA, generation split")], service.Edits);
        Assert.Empty(page.FindAll("[role=alert]"));
    }

    [Fact]
    public async Task UnknownDataset_SaysSo()
    {
        await using var ctx = DatasetValidationReportTests.NewContext(new FakeDatasetService());

        var page = ctx.Render<DatasetDetails>(p => p.Add(c => c.Id, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.Equal("No such dataset", page.Find("h1").TextContent));
    }
}
