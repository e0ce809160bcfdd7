using Microsoft.Playwright;
using SteerLab.E2E.Tests.Support;

namespace SteerLab.E2E.Tests;

public sealed class ChatTests
{
    [SkippableFact]
    public async Task User_ComparesUnsteeredAndSteeredAnswersWithADemoVector()
    {
        await using var app = await RunningApp.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(nameof(User_ComparesUnsteeredAndSteeredAnswersWithADemoVector));
        var page = browser.Page;
        await browser.GoToAsync(app.BaseUri, "/chat");

        // Add the demo's romance CAA vector (λ starts at its default) and ask for both answers with the same seed.
        await page.GetByTestId("add-vector").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "romance-vs-press CAA" }).ClickAsync();
        await page.GetByTestId("knob-name").Filter(new() { HasText = "romance-vs-press CAA" }).WaitForAsync();
        await page.GetByTestId("compare").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=compare]').checked");
        await page.GetByLabel("Message").FillAsync("The committee");
        await page.GetByTestId("send").ClickAsync();

        var steered = page.GetByTestId("steered-reply");
        var unsteered = page.GetByTestId("unsteered-reply");
        // Finished: both answers have text and Stop is disabled again.
        await page.WaitForFunctionAsync(
            "() => document.querySelector('[data-testid=stop]').disabled" +
            " && document.querySelector('[data-testid=steered-reply]')?.innerText.length > 40" +
            " && document.querySelector('[data-testid=unsteered-reply]')?.innerText.length > 40",
            null, new() { Timeout = 120_000 });
        string steeredText = await steered.InnerTextAsync(), unsteeredText = await unsteered.InnerTextAsync();
        Assert.True(steeredText.Length > 40, steeredText);
        Assert.NotEqual(unsteeredText.Replace("Unsteered", ""), steeredText.Replace("Steered", ""));
        await browser.ScreenshotAsync("compare");
    }
}
