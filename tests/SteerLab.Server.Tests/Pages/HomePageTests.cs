using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SteerLab.Server.Tests.Pages;

/// <summary>The start page, requested over HTTP from the real host: it is prerendered on the server, so the
/// engine card's content is in the first response.</summary>
public sealed class HomePageTests(HomePageTests.Host factory) : IClassFixture<HomePageTests.Host>
{
    [Fact]
    public async Task HomePage_IsServedWithTheEngineCardFilledFromTorchSharp()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("SteerLab", html);
        Assert.Contains("data-testid=\"engine-card\"", html);
        Assert.Contains("TorchSharp 0.107.0", html);
        Assert.Contains("libtorch", html);
        Assert.DoesNotContain("role=\"alert\"", html); // libtorch loaded: no error shown
    }

    [Fact]
    public async Task HomePage_ListsTheModelRootsFromConfiguration()
    {
        using var configured = factory.WithWebHostBuilder(host =>
        {
            host.UseSetting("SteerLab:ModelRoots:0", "/srv/models/gemma");
            host.UseSetting("SteerLab:ModelRoots:1", "/srv/models/llama");
        });
        using var client = configured.CreateClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains("/srv/models/gemma", html);
        Assert.Contains("/srv/models/llama", html);
    }

    [Fact]
    public async Task UnknownAddress_Returns404WithTheNotFoundPage()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/no-such-page");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is no page at this address", html);
    }

    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js")]
    [InlineData("/_content/SteerLab.Client/app.css")]
    [InlineData("/_content/Plotly.Blazor/plotly-interop-7.2.0.js")] // the Runs and Compare charts
    [InlineData("/_content/Plotly.Blazor/plotly-basic-3.7.0.min.js")]
    public async Task PageAssets_AreServed(string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The real host with its database in a temporary folder (not under the project's content root).</summary>
    public sealed class Host : WebApplicationFactory<Program>
    {
        readonly string dataFolder = Directory.CreateTempSubdirectory("steerlab-home-test-").FullName;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("SteerLab:DataFolder", dataFolder);
            builder.UseSetting("SteerLab:Admin:Email", Support.SteerLabServer.AdminEmail);
            builder.UseSetting("SteerLab:Admin:Password", Support.SteerLabServer.AdminPassword);
            builder.UseSetting("SteerLab:BootstrapApiKey", Support.SteerLabServer.BootstrapKey);
        }

        /// <summary>Pages need a signed-in user: the clients act for the first administrator.</summary>
        protected override void ConfigureClient(HttpClient client)
        {
            base.ConfigureClient(client);
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Support.SteerLabServer.BootstrapKey);
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            // The factory may be disposed more than once (Dispose and DisposeAsync).
            if (disposing && Directory.Exists(dataFolder)) Directory.Delete(dataFolder, recursive: true);
        }
    }
}
