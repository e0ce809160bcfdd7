using SteerLab.E2E.Tests.Support;

namespace SteerLab.E2E.Tests;

/// <summary>User text and model output are shown as text, never interpreted as HTML: markup in an uploaded dataset or
/// in a chat message appears literally and runs nothing.</summary>
public sealed class SafeRenderingTests
{
    const string Script = "<script>window.__steerlabInjected = 1</script>";
    const string Image = "<img src=x onerror=\"window.__steerlabInjected = 2\">";

    [SkippableFact]
    public async Task MarkupInADatasetAndInAChatMessage_IsShownAsText()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("steerlab-e2e-markup-").FullName, "markup.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            System.Text.Json.JsonSerializer.Serialize(new { prompt = Script, positive = Image, negative = "plain" }),
            System.Text.Json.JsonSerializer.Serialize(new { prompt = "second", positive = "<b>bold?</b>", negative = "plain" }),
        ]);
        await using var app = await RunningApp.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(nameof(MarkupInADatasetAndInAChatMessage_IsShownAsText));
        var page = browser.Page;

        await browser.GoToAsync(app.BaseUri, "/datasets");
        await page.GetByTestId("dataset-upload").Locator("input[type=file]").SetInputFilesAsync(file);
        await page.GetByTestId("upload-name").WaitForAsync();
        string preview = await page.GetByTestId("dataset-upload").InnerTextAsync();
        Assert.Contains(Script, preview);
        Assert.Contains(Image, preview);
        Assert.Contains("<b>bold?</b>", preview);
        Assert.Equal(0, await page.GetByTestId("dataset-upload").Locator("script, img[src='x'], b:text-is('bold?')").CountAsync());
        await browser.ScreenshotAsync("dataset-preview");

        await page.Locator("a[href='chat']").ClickAsync();
        await page.GetByLabel("Message").FillAsync(Script + " " + Image);
        await page.GetByTestId("send").ClickAsync();
        await page.GetByTestId("user-message").WaitForAsync();
        Assert.Equal(Script + " " + Image, (await page.GetByTestId("user-message").InnerTextAsync()).Trim());
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=stop]').disabled", null, new() { Timeout = 120_000 });
        Assert.Equal(0, await page.GetByTestId("conversation").Locator("script, img[src='x']").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__steerlabInjected"));
        await browser.ScreenshotAsync("chat-message");
    }
}
