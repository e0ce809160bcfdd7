using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SteerLab.E2E.Tests.Support;
using SteerLab.TestSupport;

namespace SteerLab.E2E.Tests;

/// <summary>DESIGN §6 from the browser, on the built-in demo model: an A/B sweep, an open-ended run judged by the demo's
/// genre classifier (then reviewed blind), and a side-effects run, each started from the Runs page's form and followed
/// to its charts. The A/B test set and the MMLU benchmark are uploaded through the REST API first (uploading in the
/// browser has its own test); everything about the runs happens in the browser.</summary>
public sealed class EvaluationRunsTests
{
    const string TestSetName = "corrigible-8";
    const string BenchmarkName = "mmlu-8";
    static readonly LocatorWaitForOptions Long = new() { Timeout = 300_000 };

    [SkippableFact]
    public async Task ResearcherRunsAnAbSweep_AnOpenEndedRunWithTheClassifierJudge_AndASideEffectsRun_AndSeesTheirCharts()
    {
        string caa = SharedData.Require("caa");
        await using var app = await RunningApp.StartAsync();
        using (var api = new RestApi(app.BaseUri))
        {
            await api.UploadDatasetAsync(TestSetName, "corrigible-8.json",
                FirstOf(Path.Combine(caa, "generate", "corrigible-neutral-HHH", "generate_dataset.json"), 8));
            await api.UploadDatasetAsync(BenchmarkName, "mmlu-8.json", FirstOf(Path.Combine(caa, "test", "mmlu", "mmlu.json"), 8));
        }
        await using var browser = await BrowserSession.OpenAsync(nameof(ResearcherRunsAnAbSweep_AnOpenEndedRunWithTheClassifierJudge_AndASideEffectsRun_AndSeesTheirCharts));
        try
        {
            await AbSweepAsync(app, browser);
            await OpenEndedAsync(app, browser);
            await SideEffectsAsync(app, browser);
        }
        catch (Exception)
        {
            await browser.ScreenshotAsync("failure");
            throw;
        }
    }

    static async Task AbSweepAsync(RunningApp app, BrowserSession browser)
    {
        var page = browser.Page;
        await NewRunAsync(app, browser, "ab-sweep", "romance-vs-press CAA", "romance-vs-press SAS");
        await page.GetByTestId("run-dense-grid").FillAsync("-4, 0, 4");
        await page.GetByTestId("run-sparse-grid").FillAsync("-16, 0, 16");
        await ChooseAsync(browser, "run-test-set", TestSetName);
        await page.GetByTestId("run-ab-max-questions").FillAsync("8");
        await browser.ScreenshotAsync("ab-sweep-form");
        await StartAndWaitAsync(browser, "sweep-chart");
        Assert.Equal(2, await page.GetByTestId("sweep-row").CountAsync());
        await browser.ScreenshotAsync("ab-sweep-results");
    }

    static async Task OpenEndedAsync(RunningApp app, BrowserSession browser)
    {
        var page = browser.Page;
        await NewRunAsync(app, browser, "open-ended", "romance-vs-press CAA", "romance-vs-press SAS");
        await page.GetByTestId("run-dense-grid").FillAsync("0, 4");
        await page.GetByTestId("run-sparse-grid").FillAsync("0, 16");
        await page.GetByTestId("run-questions-text").FillAsync("It was\nShe looked at\nThe");
        await page.GetByTestId("run-question-set-name").FillAsync("story starts");
        await page.GetByTestId("run-behaviour").FillAsync("The text reads like romance fiction rather than press reportage");
        await page.GetByTestId("run-max-new-tokens").FillAsync("24");
        await browser.ScreenshotAsync("open-ended-form");
        await StartAndWaitAsync(browser, "open-ended-chart");
        await page.GetByTestId("judgement-counts").WaitForAsync();
        await browser.ScreenshotAsync("open-ended-results");

        // Answers, then blind review of two of them: no judge score or λ on the review card.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Answers" }).ClickAsync();
        await page.GetByTestId("run-answer-row").First.WaitForAsync();
        await browser.ScreenshotAsync("open-ended-answers");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Review" }).ClickAsync();
        for (int i = 0; i < 2; i++)
        {
            await page.GetByTestId("review-answer").WaitForAsync();
            string progress = await page.GetByTestId("review-progress").InnerTextAsync();
            await page.GetByTestId("review-score-6").ClickAsync();
            await page.GetByTestId("review-submit").ClickAsync();
            await page.WaitForFunctionAsync("before => document.querySelector('[data-testid=review-progress]')?.innerText !== before", progress);
        }
        Assert.DoesNotContain("λ", await page.GetByTestId("review-panel").InnerTextAsync());
        await browser.ScreenshotAsync("open-ended-review");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Agreement" }).ClickAsync();
        await page.GetByTestId("agreement-panel").WaitForAsync();
        await browser.ScreenshotAsync("open-ended-agreement");
    }

    static async Task SideEffectsAsync(RunningApp app, BrowserSession browser)
    {
        var page = browser.Page;
        await NewRunAsync(app, browser, "side-effects", "romance-vs-press SAS");
        await page.GetByTestId("run-sparse-grid").FillAsync("0, 8, 16");
        await ChooseAsync(browser, "run-held-out", "learned-vs-fiction");
        await ChooseAsync(browser, "run-benchmarks", BenchmarkName, closeAfter: true);
        await page.GetByTestId("run-window-tokens").FillAsync("32");
        await page.GetByTestId("run-max-windows").FillAsync("16");
        await page.GetByTestId("run-max-benchmark-questions").FillAsync("8");
        await browser.ScreenshotAsync("side-effects-form");
        await StartAndWaitAsync(browser, "side-effects-chart");
        await browser.ScreenshotAsync("side-effects-results");
    }

    /// <summary>Opens the new-run form from the Runs page and picks the kind and the vectors.</summary>
    static async Task NewRunAsync(RunningApp app, BrowserSession browser, string kind, params string[] vectors)
    {
        var page = browser.Page;
        await browser.GoToAsync(app.BaseUri, "/runs");
        await page.GetByTestId("new-run").ClickAsync();
        await page.GetByTestId("run-form").WaitForAsync();
        await page.GetByTestId($"run-kind-{kind}").ClickAsync();
        await page.GetByTestId("run-vectors-field").ClickAsync();
        foreach (string name in vectors)
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = name }).First.ClickAsync();
        await browser.CloseOpenListAsync();
    }

    static async Task ChooseAsync(BrowserSession browser, string testId, string item, bool closeAfter = false)
    {
        var page = browser.Page;
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = item }).First.ClickAsync();
        if (closeAfter) await browser.CloseOpenListAsync();
    }

    /// <summary>Starts the run, lands on its page, and waits for its chart (or its failure, which fails the test with
    /// what the page says).</summary>
    static async Task StartAndWaitAsync(BrowserSession browser, string chartTestId)
    {
        var page = browser.Page;
        await page.GetByTestId("run-start").ClickAsync();
        await page.GetByTestId("run-title").WaitForAsync();
        await page.WaitForFunctionAsync(
            "() => ['Succeeded', 'Failed', 'Cancelled', 'Interrupted'].some(s => document.querySelector('[data-testid=run-state]')?.innerText.includes(s))",
            null, new() { Timeout = 300_000 });
        await page.Locator($"[data-testid={chartTestId}], [data-testid=run-failed], [data-testid=run-error]").First.WaitForAsync(Long);
        if (await page.Locator("[data-testid=run-failed], [data-testid=run-error]").CountAsync() > 0)
            Assert.Fail(await page.InnerTextAsync("body"));
        await BrowserSession.WaitForPlotsAsync(page, chartTestId);
    }

    static string FirstOf(string file, int count) =>
        new JsonArray([.. JsonNode.Parse(File.ReadAllText(file))!.AsArray().Take(count).Select(q => q!.DeepClone())]).ToJsonString();
}
