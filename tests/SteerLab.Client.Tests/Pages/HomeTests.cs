using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using SteerLab.Client.Pages;
using SteerLab.Shared.Engine;

namespace SteerLab.Client.Tests.Pages;

public sealed class HomeTests
{
    [Fact]
    public async Task EngineCard_ShowsBackendDeviceThreadsAndModelRoots()
    {
        await using var ctx = NewContext(new EngineStatusReport(
            "TorchSharp 0.107.0 · libtorch 2.10.0", "cuda", 12, ["/srv/models/gemma", "/srv/models/llama"]));

        var home = ctx.Render<Home>();

        Assert.Equal("TorchSharp 0.107.0 · libtorch 2.10.0", EngineCardValue(home, "Backend"));
        Assert.Equal("cuda", EngineCardValue(home, "Device"));
        Assert.Equal("12", EngineCardValue(home, "Threads"));
        Assert.Equal(["/srv/models/gemma", "/srv/models/llama"], home.FindAll("[data-testid=engine-card] td code").Select(c => c.TextContent));
        Assert.Empty(home.FindAll("[role=alert]"));
    }

    [Fact]
    public async Task EngineCard_ShowsAnEngineErrorAsAnAlert()
    {
        await using var ctx = NewContext(new EngineStatusReport(
            "TorchSharp 0.107.0", Device: null, Threads: null, ModelRoots: [],
            Error: "TorchSharp could not load libtorch: libLibTorchSharp.so not found"));

        var home = ctx.Render<Home>();

        var alert = home.FindComponent<MudAlert>();
        Assert.Equal(Severity.Error, alert.Instance.Severity);
        Assert.Contains("libLibTorchSharp.so not found", home.Find("[data-testid=engine-card] [role=alert]").TextContent);
        Assert.Equal("—", EngineCardValue(home, "Device"));
    }

    [Fact]
    public async Task EngineCard_ShowsAnExceptionFromTheEngineAsAnAlert()
    {
        await using var ctx = NewContext(new ThrowingEngineStatus());

        var home = ctx.Render<Home>();

        Assert.Contains("engine hub is not connected", home.Find("[data-testid=engine-card] [role=alert]").TextContent);
    }

    private static BunitContext NewContext(EngineStatusReport report) => NewContext(new FakeEngineStatus(report));

    private static BunitContext NewContext(IEngineStatus engineStatus)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton(engineStatus);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    /// <summary>The value cell next to the engine card's row header <paramref name="label"/>.</summary>
    private static string EngineCardValue(IRenderedComponent<Home> home, string label) =>
        home.FindAll("[data-testid=engine-card] tr")
            .Single(row => row.QuerySelector("th")?.TextContent == label)
            .QuerySelector("td")!.TextContent.Trim();

    private sealed class ThrowingEngineStatus : IEngineStatus
    {
        public Task<EngineStatusReport> GetStatusAsync(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The engine hub is not connected.");
    }
}
