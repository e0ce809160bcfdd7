using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Worker;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Models;

namespace SteerLab.Server.Tests.Models;

/// <summary>The Models page's service and <c>/api/models</c> on the real host, with the built-in demo folder as the
/// model root: the catalogue, and load / unload on the in-process engine.</summary>
public sealed class ModelsServiceTests : IAsyncLifetime
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the tests");

    readonly SteerLabServer server = new(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = DemoFolder });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    IModelsService Models => server.AdminServices.GetRequiredService<IModelsService>(); // loading needs a server administrator

    [Fact]
    public async Task Overview_ListsTheDemoModelAndItsSae()
    {
        var overview = await Models.GetOverviewAsync();

        var root = Assert.Single(overview.Roots);
        Assert.True(root.IsBuiltInDemo);
        Assert.True(root.Exists);
        var model = Assert.Single(overview.Models, m => m.Name == DemoAssets.ModelName);
        Assert.Null(model.Problem);
        Assert.Equal("Llama", model.Architecture);
        Assert.True(model.DModel > 0 && model.Layers > 0 && model.WeightFileBytes > 0);
        var sae = Assert.Single(overview.Saes, s => s.Name == DemoAssets.SaeFolderName);
        Assert.Null(sae.Problem);
        Assert.Equal(("SAELens", "blocks.1.hook_resid_post", DemoAssets.ModelName), (sae.Format, sae.Hook, sae.ModelName));
        Assert.Equal(model.DModel, sae.DIn);
        Assert.True(sae.Width > 0);
        Assert.True(overview.InProcess.Enabled);
        Assert.Empty(overview.Workers);
    }

    [Fact]
    public async Task LoadAndUnload_ChangeWhatTheInProcessEngineHolds()
    {
        var loaded = await Models.LoadAsync(DemoAssets.ModelName);
        Assert.True(loaded.Succeeded, loaded.Message);
        Assert.StartsWith($"Loaded {DemoAssets.ModelName}", loaded.Message);

        var held = Assert.Single((await Models.GetOverviewAsync()).InProcess.Loaded);
        Assert.Equal(DemoAssets.ModelName, held.Name);
        Assert.Equal(0, held.Leases);
        Assert.True(held.WeightBytes > 0);

        var unloaded = await Models.UnloadAsync(DemoAssets.ModelName);
        Assert.True(unloaded.Succeeded, unloaded.Message);
        Assert.Empty((await Models.GetOverviewAsync()).InProcess.Loaded);
        Assert.Contains("was not loaded", (await Models.UnloadAsync(DemoAssets.ModelName)).Message);
    }

    [Fact]
    public async Task Unload_IsRefusedWhileAJobUsesTheModel()
    {
        string dir = server.Services.GetRequiredService<ModelRoots>().Resolve(DemoAssets.ModelName);
        using (server.Services.GetRequiredService<LoadedModels>().Acquire(dir)) // what a running job holds
        {
            var refused = await Models.UnloadAsync(DemoAssets.ModelName);

            Assert.False(refused.Succeeded);
            Assert.Equal(ModelActionProblem.InUse, refused.Problem);
            Assert.Contains("1 running job uses it", refused.Message);
            Assert.Equal(1, Assert.Single((await Models.GetOverviewAsync()).InProcess.Loaded).Leases);
        }
        Assert.True((await Models.UnloadAsync(DemoAssets.ModelName)).Succeeded);
    }

    [Fact]
    public async Task Load_OfAnUnknownModel_SaysItIsNotFound()
    {
        var result = await Models.LoadAsync("no-such-model");

        Assert.Equal(ModelActionProblem.NotFound, result.Problem);
        Assert.Contains("no-such-model", result.Message);
    }

    [Fact]
    public async Task ModelsPage_IsPrerenderedWithTheDemoModelAndSae()
    {
        using var http = server.CreateClient();

        using var response = await http.GetAsync("/models");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(DemoAssets.ModelName, html);
        Assert.Contains("blocks.1.hook_resid_post", html);
        Assert.Contains("built-in demo", html);
        Assert.DoesNotContain("role=\"alert\"", html);
    }

    [Fact]
    public async Task RestApi_ListsLoadsAndUnloadsTheDemoModel()
    {
        using var http = server.CreateClient();

        using var listing = JsonDocument.Parse(await http.GetStringAsync("/api/models"));
        Assert.Contains(listing.RootElement.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == DemoAssets.ModelName);
        Assert.Contains(listing.RootElement.GetProperty("saes").EnumerateArray(), s => s.GetProperty("name").GetString() == DemoAssets.SaeFolderName);

        using var load = await http.PostAsJsonAsync("/api/models/load", new { model = DemoAssets.ModelName });
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        var overview = await http.GetFromJsonAsyncOrFail<ModelsOverview>("/api/models");
        Assert.Equal(DemoAssets.ModelName, Assert.Single(overview.InProcess.Loaded).Name);

        string dir = server.Services.GetRequiredService<ModelRoots>().Resolve(DemoAssets.ModelName);
        using (server.Services.GetRequiredService<LoadedModels>().Acquire(dir))
        {
            using var refused = await http.PostAsJsonAsync("/api/models/unload", new { model = DemoAssets.ModelName });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("running job", await refused.Content.ReadAsStringAsync());
        }
        using var unload = await http.PostAsJsonAsync("/api/models/unload", new { model = DemoAssets.ModelName });
        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.Empty((await http.GetFromJsonAsyncOrFail<ModelsOverview>("/api/models")).InProcess.Loaded);

        using var missing = await http.PostAsJsonAsync("/api/models/load", new { model = "no-such-model" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
