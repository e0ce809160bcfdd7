using Microsoft.Playwright;
using SteerLab.E2E.Tests.Support;
using SteerLab.TestSupport;

namespace SteerLab.E2E.Tests;

/// <summary>The workbench's whole story as a new user lives it, on the built-in demo model: upload a CAA dataset,
/// build a SAS vector from it, chat with its λ slider moved, compare it with the demo vectors on the heat map.</summary>
public sealed class NewUserStoryTests
{
    const string DatasetName = "corrigible-neutral-HHH";

    [SkippableFact]
    public async Task NewUser_UploadsACaaFile_BuildsASasVector_ChatsWithItsSlider_AndComparesIt()
    {
        string caaFile = Path.Combine(SharedData.Require("caa"), "generate", DatasetName, "generate_dataset.json");
        await using var app = await RunningApp.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(nameof(NewUser_UploadsACaaFile_BuildsASasVector_ChatsWithItsSlider_AndComparesIt));
        try { await TellTheStoryAsync(app, browser, caaFile); }
        catch (Exception)
        {
            await browser.ScreenshotAsync("failure");
            throw;
        }
    }

    static async Task TellTheStoryAsync(RunningApp app, BrowserSession browser, string caaFile)
    {
        var page = browser.Page;

        // 1. Upload: the file is checked first (report + first pairs), then saved under a name.
        await browser.GoToAsync(app.BaseUri, "/datasets");
        await page.GetByTestId("dataset-upload").Locator("input[type=file]").SetInputFilesAsync(caaFile);
        await page.GetByTestId("upload-name").WaitForAsync();
        Assert.Contains("290", await page.GetByTestId("dataset-upload").InnerTextAsync());
        await page.GetByTestId("upload-name").FillAsync(DatasetName);
        await browser.ScreenshotAsync("1-upload-checked");
        await page.GetByTestId("upload-save").ClickAsync();
        await page.GetByTestId("upload-saved").WaitForAsync();
        Assert.Contains("290 pairs", await page.GetByTestId("upload-saved").InnerTextAsync());

        // 2. Build a SAS vector from it on the demo model (its SAE reads blocks.1.hook_resid_post), as a job with progress.
        await page.Locator("a[href='vectors']").ClickAsync();
        await page.GetByTestId("open-build").ClickAsync();
        await page.GetByTestId("build-dataset").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = DatasetName }).ClickAsync();
        await page.GetByTestId("build-method").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "SAS" }).First.ClickAsync();
        await page.GetByTestId("build-sae").WaitForAsync();
        // A/B answers alternate between the letters, so letter features fire on both sides: with the paper's τ 0.7 and
        // common features removed nothing is left on this small model (the dialog says so). The demo's own settings.
        await page.GetByTestId("build-tau").FillAsync("0.3");
        await page.GetByTestId("build-remove-common").ClickAsync();
        await page.WaitForFunctionAsync("() => !document.querySelector('[data-testid=build-remove-common]').checked");
        await page.GetByTestId("build-name").FillAsync("corrigible SAS");
        await browser.ScreenshotAsync("2-build-settings");
        await page.GetByTestId("build-submit").ClickAsync();
        await page.GetByTestId("build-job").WaitForAsync();
        await page.Locator("[data-testid=built-vector-link], [data-testid=build-failed]").First.WaitForAsync(new() { Timeout = 180_000 });
        Assert.Equal(0, await page.GetByTestId("build-failed").CountAsync());
        await browser.ScreenshotAsync("3-build-succeeded");
        await page.GetByTestId("built-vector-link").ClickAsync();
        await page.GetByTestId("vector-title").WaitForAsync();
        Assert.Equal("corrigible SAS", (await page.GetByTestId("vector-title").InnerTextAsync()).Trim());
        await browser.ScreenshotAsync("4-vector-detail");

        // 3. Chat with the new vector, its λ slider moved from its default by the keyboard, as a user drags it.
        await page.Locator("a[href='chat']").ClickAsync();
        await page.GetByTestId("add-vector").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "corrigible SAS" }).ClickAsync();
        var lambda = page.GetByTestId("knob-lambda");
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        double before = double.Parse(await lambda.InputValueAsync(), invariant);
        var slider = page.GetByLabel("λ for corrigible SAS");
        await slider.FocusAsync();
        for (int i = 0; i < 6; i++) await slider.PressAsync("ArrowRight");
        // Six steps of 0.1 to the right; each key press reaches the server, so wait for the last one.
        string after = (before + 0.6).ToString("0.#", invariant);
        await page.WaitForFunctionAsync("after => document.querySelector('[data-testid=knob-lambda]').value === after", after);
        await page.GetByLabel("Message").FillAsync("Would you accept a change to your goals?");
        await page.GetByTestId("send").ClickAsync();
        await page.WaitForFunctionAsync(
            "() => document.querySelector('[data-testid=stop]').disabled" +
            " && document.querySelector('[data-testid=steered-reply]')?.innerText.length > 20",
            null, new() { Timeout = 120_000 });
        Assert.Equal(0, await page.GetByTestId("reply-error").CountAsync());
        await browser.ScreenshotAsync("5-chat-steered");

        // Each token tells, on hover, how likely it was and what the model's alternatives were.
        await page.GetByTestId("reply-token").Nth(2).HoverAsync();
        await page.GetByTestId("token-logprobs").WaitForAsync();
        Assert.Contains("p =", await page.GetByTestId("token-logprobs").InnerTextAsync());
        Assert.True(await page.GetByTestId("token-alternative").CountAsync() >= 2);
        await browser.ScreenshotAsync("6-token-logprobs");

        // Save the knob setting as a preset and open its link: the same vector at the same λ.
        await page.GetByTestId("preset-name").FillAsync("corrigible, pushed");
        await page.GetByTestId("save-preset").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=preset-link]')?.value.includes('preset=')");
        string link = await page.GetByTestId("preset-link").InputValueAsync();
        await page.GotoAsync(link, new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.GetByTestId("knob-name").Filter(new() { HasText = "corrigible SAS" }).WaitForAsync();
        Assert.Equal(after, await page.GetByTestId("knob-lambda").InputValueAsync());

        // 4. Compare the new vector with the demo's SAS vectors: Jaccard of their feature supports, values on hover.
        await page.Locator("a[href='compare']").ClickAsync();
        await page.GetByTestId("compare-vectors").ClickAsync();
        foreach (string name in new[] { "corrigible SAS", "romance-vs-press SAS", "learned-vs-fiction SAS" })
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = name }).ClickAsync();
        await browser.CloseOpenListAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=overlap-cell]').length === 9");
        Assert.Equal(3, await page.GetByTestId("overlap-row").CountAsync());
        var offDiagonal = page.Locator("[data-testid=overlap-cell][data-row='0'][data-column='1']");
        Assert.Equal("Jaccard", await offDiagonal.GetAttributeAsync("data-measure"));
        await offDiagonal.HoverAsync();
        await page.Locator(".mud-tooltip").Filter(new() { HasText = "Jaccard" }).WaitForAsync();
        await browser.ScreenshotAsync("7-compare-heat-map");

        // The A/B λ-sweep of the three SAS vectors on the uploaded questions (few of them, three λ, to stay quick).
        await page.GetByTestId("sweep-max-questions").FillAsync("8");
        await page.GetByTestId("sweep-sparse-grid").FillAsync("-16, 0, 16");
        await page.GetByTestId("sweep-run").ClickAsync();
        await page.Locator("[data-testid=sweep-result], [data-testid=sweep-failed], [data-testid=sweep-error]").First
            .WaitForAsync(new() { Timeout = 180_000 });
        Assert.Equal(0, await page.Locator("[data-testid=sweep-failed], [data-testid=sweep-error]").CountAsync());
        await BrowserSession.WaitForPlotsAsync(page, "sweep-chart");
        Assert.Equal(3, await page.GetByTestId("sweep-row").CountAsync());
        await browser.ScreenshotAsync("8-ab-sweep");
    }
}
