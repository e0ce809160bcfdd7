using SteerLab.E2E.Tests.Support;

namespace SteerLab.E2E.Tests;

public sealed class HomePageTests
{
    [SkippableFact]
    public async Task NewUser_SeesTheEngineAndTheBuiltInDemoAsModelRoot()
    {
        await using var app = await RunningApp.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(nameof(NewUser_SeesTheEngineAndTheBuiltInDemoAsModelRoot));

        await browser.GoToAsync(app.BaseUri, "/");
        var page = browser.Page;
        await page.GetByText("TorchSharp").First.WaitForAsync();
        string body = await page.InnerTextAsync("body");
        Assert.Contains("cpu", body);
        // No model root configured: the demo folder shipped beside the server is the root.
        Assert.Contains(Path.Combine("net10.0", "demo"), body);
        await browser.ScreenshotAsync("home");
    }
}
