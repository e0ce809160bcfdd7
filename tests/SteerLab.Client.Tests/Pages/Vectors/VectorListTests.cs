using Bunit;
using MudBlazor;
using SteerLab.Client.Pages.Vectors;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

public sealed class VectorListTests
{
    private static FakeVectorService Library() => new()
    {
        Vectors =
        {
            FakeVectorService.Summary("romance CAA", VectorMethods.Caa),
            FakeVectorService.Summary("romance SAS", VectorMethods.Sas),
            FakeVectorService.Summary("learned ENR", VectorMethods.TopKEnr, model: "other-model", hook: "blocks.4.hook_resid_pre"),
        },
    };

    [Theory]
    [InlineData(SteerLab.Shared.Accounts.TeamRoles.Viewer, false)]
    [InlineData(SteerLab.Shared.Accounts.TeamRoles.Reviewer, false)]
    [InlineData(SteerLab.Shared.Accounts.TeamRoles.Editor, true)]
    [InlineData(SteerLab.Shared.Accounts.TeamRoles.Owner, true)]
    public async Task BuildAndImport_AreOfferedToEditorsAndOwnersOnly(string role, bool offered)
    {
        await using var ctx = VectorTestContext.New(Library(), role: role);

        var page = ctx.Render<VectorList>();

        page.WaitForAssertion(() => Assert.Equal(3, Names(page).Length));
        Assert.Equal(offered, page.FindAll("[data-testid=open-build]").Count == 1);
        Assert.Equal(offered, page.FindAll("[data-testid=open-import]").Count == 1);
    }

    [Fact]
    public async Task List_ShowsEveryVector_WithADownloadLinkToItsExport()
    {
        var library = Library();
        await using var ctx = VectorTestContext.New(library);

        var page = ctx.Render<VectorList>();

        Assert.Equal(["romance CAA", "romance SAS", "learned ENR"], Names(page));
        var first = library.Vectors[0];
        var download = page.FindAll("[data-testid=download-vector]")[0];
        Assert.Equal($"api/vectors/{first.Id}/export", download.GetAttribute("href"));
        Assert.Equal("romance-CAA.json", download.GetAttribute("download"));
        Assert.Equal($"vectors/{first.Id}", page.FindAll("[data-testid=vector-name]")[0].GetAttribute("href"));
    }

    [Fact]
    public async Task MethodChips_FilterTheListByMethod()
    {
        var library = Library();
        await using var ctx = VectorTestContext.New(library);
        var page = ctx.Render<VectorList>();

        page.Find("[data-testid=method-chip-sas]").Click();
        page.WaitForAssertion(() => Assert.Equal(["romance SAS"], Names(page)));
        Assert.Equal([VectorMethods.Sas], library.Queries[^1].Methods);

        page.Find("[data-testid=method-chip-topk_enr]").Click();
        page.WaitForAssertion(() => Assert.Equal(["romance SAS", "learned ENR"], Names(page)));
        Assert.Equal([VectorMethods.TopKEnr, VectorMethods.Sas], library.Queries[^1].Methods);
    }

    [Fact]
    public async Task NameSearch_FiltersOnceTypingPauses()
    {
        var library = Library();
        await using var ctx = VectorTestContext.New(library);
        var page = ctx.Render<VectorList>();

        page.Find("input[data-testid=name-search]").Input("Romance");

        page.WaitForAssertion(() => Assert.Equal(["romance CAA", "romance SAS"], Names(page)), TimeSpan.FromSeconds(5));
        Assert.Equal("Romance", library.Queries[^1].Text);
    }

    [Fact]
    public async Task ModelAndHookSelections_FilterTheList_AndClearFiltersShowsEverythingAgain()
    {
        var library = Library();
        await using var ctx = VectorTestContext.New(library);
        var page = ctx.Render<VectorList>();
        var selects = page.FindComponents<MudSelect<string>>();
        Assert.Equal(["other-model", "stories260K"], selects[0].FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value));

        await page.InvokeAsync(() => selects[0].Instance.ValueChanged.InvokeAsync("stories260K"));
        page.WaitForAssertion(() => Assert.Equal(["romance CAA", "romance SAS"], Names(page)));
        await page.InvokeAsync(() => selects[1].Instance.ValueChanged.InvokeAsync("blocks.4.hook_resid_pre"));
        page.WaitForAssertion(() => Assert.Contains("No vectors match these filters", page.Find("[data-testid=no-vectors]").TextContent));
        Assert.Equal(("stories260K", "blocks.4.hook_resid_pre"), (library.Queries[^1].Model, library.Queries[^1].Hook));

        page.Find("[data-testid=clear-filters]").Click();
        page.WaitForAssertion(() => Assert.Equal(3, Names(page).Length));
        Assert.True(library.Queries[^1].IsEmpty);
    }

    [Fact]
    public async Task EmptyLibrary_SaysHowToStart()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService());

        var page = ctx.Render<VectorList>();

        Assert.Contains("No vectors yet", page.Find("[data-testid=no-vectors]").TextContent);
    }

    [Fact]
    public async Task AFailureToLoad_IsShownAsAnAlert()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService { ListFailure = new InvalidOperationException("database is locked") });

        var page = ctx.Render<VectorList>();

        Assert.Contains("Could not load the vectors: database is locked", page.Find("[role=alert]").TextContent);
    }

    private static string[] Names(IRenderedComponent<VectorList> page) =>
        page.FindAll("[data-testid=vector-name]").Select(a => a.TextContent).ToArray();
}
