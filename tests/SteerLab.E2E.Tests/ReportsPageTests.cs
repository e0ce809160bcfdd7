using Microsoft.Playwright;
using SteerLab.E2E.Tests.Support;

namespace SteerLab.E2E.Tests;

/// <summary>The Reports page in the browser: an editor chooses the model, an SAE and a library dataset (here the demo
/// model with its SAE and its romance-vs-press dataset, chosen by hand rather than as the built-in demo), starts a quick
/// report and reads it in the page.</summary>
public sealed class ReportsPageTests
{
    [SkippableFact]
    public async Task Editor_RunsAQuickReportOnAChosenModelSaeAndDataset_AndReadsIt()
    {
        await using var app = await RunningApp.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(nameof(Editor_RunsAQuickReportOnAChosenModelSaeAndDataset_AndReadsIt));
        var page = browser.Page;
        try
        {
            await browser.GoToAsync(app.BaseUri, "/reports");
            await ChooseAsync(browser, "report-model", "steerlab-brown-demo", exact: "steerlab-brown-demo");
            await ChooseAsync(browser, "report-saes", "sae (", closeAfter: true);
            await ChooseAsync(browser, "report-datasets", "romance-vs-press", closeAfter: true);
            await browser.ScreenshotAsync("inputs");
            await page.GetByTestId("start-quick").ClickAsync();

            await page.GetByTestId("report-frame").WaitForAsync(new() { Timeout = 300_000 });
            Assert.Contains("steerlab-brown-demo · SAE sae · datasets romance-vs-press", await page.GetByTestId("report-row-inputs").First.InnerTextAsync());
            string html = await page.GetByTestId("report-frame").GetAttributeAsync("srcdoc") ?? "";
            Assert.Contains("--model steerlab-brown-demo --sae sae --dataset romance-vs-press.json", html);
            await browser.ScreenshotAsync("report");
        }
        catch (Exception)
        {
            await browser.ScreenshotAsync("failure");
            throw;
        }
    }

    /// <summary>Opens a MudSelect and clicks the item containing <paramref name="item"/> (or exactly
    /// <paramref name="exact"/>).</summary>
    static async Task ChooseAsync(BrowserSession browser, string testId, string item, bool closeAfter = false, string? exact = null)
    {
        var page = browser.Page;
        await page.GetByTestId(testId).ClickAsync();
        var items = page.Locator(".mud-popover-open .mud-list-item");
        var choice = exact is null ? items.Filter(new() { HasText = item }) : items.Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^\\s*{System.Text.RegularExpressions.Regex.Escape(exact)}\\s*$") });
        await choice.First.ClickAsync();
        if (closeAfter) await browser.CloseOpenListAsync();
    }
}
