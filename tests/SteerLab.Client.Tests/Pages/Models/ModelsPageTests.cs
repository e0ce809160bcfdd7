using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SteerLab.Client.Pages.Models;
using SteerLab.Shared.Models;

namespace SteerLab.Client.Tests.Pages.Models;

public sealed class ModelsPageTests
{
    static BunitContext NewContext(FakeModelsService models)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IModelsService>(models);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    static string State(IRenderedComponent<ModelsPage> page, string model) =>
        page.FindAll("[data-testid=model-table] tbody tr")
            .Single(row => row.QuerySelector("[data-testid=model-name]")?.TextContent == model)
            .QuerySelector("[data-testid=model-state]")!.TextContent.Trim();

    [Fact]
    public async Task Page_ShowsRootsModelsSaesAndEngines()
    {
        await using var ctx = NewContext(new FakeModelsService { Overview = FakeModelsService.Demo() });

        var page = ctx.Render<ModelsPage>();

        Assert.Contains("/app/demo", page.Find("[data-testid=model-roots]").TextContent);
        Assert.NotNull(page.Find("[data-testid=demo-root]"));
        Assert.Equal(["steerlab-brown-demo", "broken"], page.FindAll("[data-testid=model-name]").Select(c => c.TextContent));
        Assert.Equal("not loaded", State(page, "steerlab-brown-demo"));
        Assert.Contains("not valid JSON", page.Find("[data-testid=model-problem]").TextContent);
        Assert.Single(page.FindAll("[data-testid=load-model]")); // none for the broken model
        var saeRow = page.Find("[data-testid=sae-table] tbody tr").TextContent;
        Assert.Contains("blocks.1.hook_resid_post", saeRow);
        Assert.Contains("2048", saeRow);
        Assert.Contains("SAELens", saeRow);
        Assert.Equal("cpu", page.Find("[data-testid=engine-device]").TextContent);
        Assert.Equal("2", page.Find("[data-testid=engine-threads]").TextContent);
        Assert.NotNull(page.Find("[data-testid=nothing-loaded]"));
        var worker = page.Find("[data-testid=worker-row]").TextContent;
        Assert.Contains("gpu-box", worker);
        Assert.Contains("1 of 2", worker);
        Assert.Contains("google/gemma-2-2b", worker);
        Assert.Empty(page.FindAll("[role=alert]"));
    }

    [Fact]
    public async Task EmptyOverview_TellsANewUserWhatToDo()
    {
        await using var ctx = NewContext(new FakeModelsService());

        var page = ctx.Render<ModelsPage>();

        Assert.Contains("SteerLab:ModelRoots", page.Find("[data-testid=no-roots]").TextContent);
        Assert.Contains("config.json", page.Find("[data-testid=no-models]").TextContent);
        Assert.Contains("cfg.json", page.Find("[data-testid=no-saes]").TextContent);
        Assert.Contains("worker --server", page.Find("[data-testid=no-workers]").TextContent);
    }

    [Fact]
    public async Task ForSomeoneNotAServerAdministrator_LoadAndUnloadAreHidden()
    {
        var overview = FakeModelsService.Demo(FakeModelsService.Held("steerlab-brown-demo", leases: 0)) with { CanLoadModels = false };
        await using var ctx = NewContext(new FakeModelsService { Overview = overview });

        var page = ctx.Render<ModelsPage>();

        Assert.Equal("loaded", State(page, "steerlab-brown-demo"));
        Assert.Empty(page.FindAll("[data-testid=load-model]"));
        Assert.Empty(page.FindAll("[data-testid=unload-model]"));
    }

    [Fact]
    public async Task Load_ShowsProgressUntilTheModelIsLoaded()
    {
        var models = new FakeModelsService { Overview = FakeModelsService.Demo(), PendingLoad = new() };
        await using var ctx = NewContext(models);
        var page = ctx.Render<ModelsPage>();

        page.Find("[data-testid=load-model]").Click();

        Assert.Equal(["load steerlab-brown-demo"], models.Calls);
        Assert.Equal("loading…", State(page, "steerlab-brown-demo"));
        Assert.True(page.Find("[data-testid=load-model]").HasAttribute("disabled"));

        models.Overview = FakeModelsService.Demo(FakeModelsService.Held("steerlab-brown-demo", leases: 0));
        models.PendingLoad.SetResult(ModelActionResult.Done("Loaded steerlab-brown-demo."));

        page.WaitForAssertion(() => Assert.Equal("loaded", State(page, "steerlab-brown-demo")));
        Assert.NotNull(page.Find("[data-testid=unload-model]"));
        Assert.Contains("steerlab-brown-demo", page.Find("[data-testid=loaded-models]").TextContent);
    }

    [Fact]
    public async Task UnloadRefusedWhileAJobUsesTheModel_IsShownAsAnError()
    {
        var models = new FakeModelsService
        {
            Overview = FakeModelsService.Demo(FakeModelsService.Held("steerlab-brown-demo", leases: 1)),
            OnUnload = model => ModelActionResult.Refused(ModelActionProblem.InUse,
                $"{model} cannot be unloaded now: 1 running job uses it. Unload it once that job has finished, or cancel it."),
        };
        await using var ctx = NewContext(models);
        var page = ctx.Render<ModelsPage>();
        Assert.Equal("loaded · 1 job using it", State(page, "steerlab-brown-demo"));

        page.Find("[data-testid=unload-model]").Click();

        page.WaitForAssertion(() => Assert.Contains("1 running job uses it", page.Find("[data-testid=model-action-error]").TextContent));
        Assert.Equal("alert", page.Find("[data-testid=model-action-error]").GetAttribute("role"));
        Assert.Equal(["unload steerlab-brown-demo"], models.Calls);
        Assert.StartsWith("loaded", State(page, "steerlab-brown-demo"));
    }

    [Fact]
    public async Task LoadFailure_IsShownAsAnError()
    {
        var models = new FakeModelsService
        {
            Overview = FakeModelsService.Demo(),
            OnLoad = model => ModelActionResult.Refused(ModelActionProblem.Failed, $"could not load {model}: model.safetensors: truncated"),
        };
        await using var ctx = NewContext(models);
        var page = ctx.Render<ModelsPage>();

        page.Find("[data-testid=load-model]").Click();

        page.WaitForAssertion(() => Assert.Contains("truncated", page.Find("[data-testid=model-action-error]").TextContent));
        Assert.Equal("not loaded", State(page, "steerlab-brown-demo"));
    }
}
