using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SteerLab.Client.Pages.Vectors;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

public sealed class VectorDetailPageTests
{
    private static VectorDetail Detail(VectorSummary summary) => new(
        summary,
        summary.Id.ToString("N"),
        "Romance fiction against press reportage",
        "romance",
        [new("common_feature_removal", JsonSerializer.SerializeToElement(true)), new("tau", JsonSerializer.SerializeToElement(0.7))],
        DModel: 64,
        Layer: 2,
        Length: 256,
        new VectorNorms(3.75, 2.42, 3, 2, 1),
        new VectorProvenance("stories260K", "rev-1", new VectorDatasetReference("romance-vs-press", "abc", 40),
            new VectorSaeReference("test-saes", "blocks.2.hook_resid_post", 256, null), "tester",
            new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero), "SteerLab", "1.2.3"),
        [new(200, 2f), new(17, -1.25f), new(3, 0.5f)]);

    [Fact]
    public async Task Detail_ShowsParametersNormsProvenanceAndTopFeatures_WithAnExportLink()
    {
        var summary = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var library = new FakeVectorService { Details = { [summary.Id] = Detail(summary) } };
        await using var ctx = VectorTestContext.New(library);

        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        Assert.Equal("romance SAS", page.Find("[data-testid=vector-title]").TextContent);
        Assert.Equal(["common_feature_removal true", "tau 0.7"],
            page.FindAll("[data-testid=vector-parameters] tr").Select(r => string.Join(" ", r.Children.Select(c => c.TextContent.Trim()))));
        Assert.Contains("3 of 256 features", page.Find("[data-testid=vector-norms]").TextContent);
        string provenance = page.Find("[data-testid=vector-provenance]").TextContent;
        Assert.Contains("romance-vs-press, 40 pairs", provenance);
        Assert.Contains("test-saes / blocks.2.hook_resid_post, 256 features", provenance);
        Assert.Contains("SteerLab 1.2.3", provenance);
        Assert.Equal(["200", "17", "3"], page.FindAll("[data-testid=entry-index]").Select(c => c.TextContent));
        var export = page.Find("[data-testid=export-vector]");
        Assert.Equal($"api/vectors/{summary.Id}/export", export.GetAttribute("href"));
        Assert.Equal("romance-SAS.json", export.GetAttribute("download"));
        Assert.Equal($"compare?ids={summary.Id}", page.Find("[data-testid=compare-vector]").GetAttribute("href"));
    }

    [Fact]
    public async Task AnUnknownVector_IsReportedAsNotFound()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService());
        var id = Guid.NewGuid();

        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, id));

        Assert.Contains($"There is no vector {id}", page.Find("[data-testid=vector-not-found]").TextContent);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Delete_AsksFirst_AndOnlyDeletesWhenConfirmed(bool confirm)
    {
        var summary = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var library = new FakeVectorService { Vectors = { summary }, Details = { [summary.Id] = Detail(summary) } };
        await using var ctx = VectorTestContext.New(library);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<VectorDetailPage>(p => p.Add(v => v.Id, summary.Id));

        page.Find("[data-testid=delete-vector]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("will be removed from the library", dialogs.Markup));
        Assert.Empty(library.Deleted);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == (confirm ? "Delete" : "Cancel")).Click();

        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        if (confirm)
        {
            page.WaitForAssertion(() => Assert.Equal([summary.Id], library.Deleted));
            page.WaitForAssertion(() => Assert.EndsWith("/vectors", navigation.Uri));
        }
        else
        {
            dialogs.WaitForAssertion(() => Assert.DoesNotContain("will be removed from the library", dialogs.Markup));
            Assert.Empty(library.Deleted);
            Assert.DoesNotContain("/vectors", navigation.Uri);
        }
    }
}
