using SteerLab.E2E.Tests.Support;

namespace SteerLab.E2E.Tests;

public sealed class WorkbenchNavigationTests
{
    [SkippableFact]
    public async Task NewUser_FindsTheDemoDatasetsAndVectorsThroughTheNavigationRail()
    {
        await using var app = await RunningApp.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(nameof(NewUser_FindsTheDemoDatasetsAndVectorsThroughTheNavigationRail));
        var page = browser.Page;
        await browser.GoToAsync(app.BaseUri, "/");

        await page.Locator("a[href='datasets']").ClickAsync();
        await page.GetByText("romance-vs-press").First.WaitForAsync();
        Assert.Contains("learned-vs-fiction", await page.InnerTextAsync("body"));
        await browser.ScreenshotAsync("datasets");

        await page.Locator("a[href='vectors']").ClickAsync();
        await page.GetByText("romance-vs-press SAS").First.WaitForAsync();
        string vectors = await page.InnerTextAsync("body");
        foreach (string name in new[] { "romance-vs-press CAA", "learned-vs-fiction CAA", "learned-vs-fiction SAS" }) Assert.Contains(name, vectors);
        await browser.ScreenshotAsync("vectors");

        await page.GetByText("romance-vs-press SAS").First.ClickAsync();
        await page.GetByTestId("vector-title").WaitForAsync();
        await page.GetByText("Provenance").WaitForAsync();
        Assert.Equal("romance-vs-press SAS", (await page.GetByTestId("vector-title").InnerTextAsync()).Trim());
        await browser.ScreenshotAsync("sparse-vector-detail");

        // The Models page: the built-in demo is the model root; its model can be loaded into the in-process engine.
        await page.Locator("a[href='models']").ClickAsync();
        await page.GetByTestId("model-name").Filter(new() { HasText = "steerlab-brown-demo" }).WaitForAsync();
        await page.GetByTestId("demo-root").WaitForAsync();
        Assert.Contains("sae", await page.GetByTestId("sae-table").InnerTextAsync());
        await page.GetByTestId("load-model").First.ClickAsync();
        await page.GetByTestId("unload-model").First.WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("steerlab-brown-demo", await page.GetByTestId("loaded-models").InnerTextAsync());
        await browser.ScreenshotAsync("models");
    }
}
