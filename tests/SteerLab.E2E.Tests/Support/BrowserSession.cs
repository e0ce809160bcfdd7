using Microsoft.Playwright;
using SteerLab.TestSupport;

namespace SteerLab.E2E.Tests.Support;

/// <summary>Debian's chromium driven by Playwright (never Playwright's own browser download), one page, and a screenshot
/// folder named after the test: <c>artifacts/screenshots/&lt;test&gt;/</c> at the repository root.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    readonly IPlaywright playwright;
    readonly IBrowser browser;
    int shots;

    public IPage Page { get; }
    public string ScreenshotFolder { get; }

    BrowserSession(IPlaywright playwright, IBrowser browser, IPage page, string screenshotFolder)
    {
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        ScreenshotFolder = screenshotFolder;
    }

    /// <summary>Skips the test when chromium is not installed, except under CI (where <c>.ci/run</c> installs it).</summary>
    public static async Task<BrowserSession> OpenAsync(string testName)
    {
        if (!File.Exists(ChromiumPath))
        {
            if (SharedData.IsCi) throw new InvalidOperationException($"{ChromiumPath} is missing; .ci/run installs Debian's chromium");
            Skip.If(true, $"{ChromiumPath} is not installed (apt-get install -y chromium)");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        // Every step waits for the server over the circuit; on a 2-core machine running a model job, 30 s is tight.
        page.SetDefaultTimeout(90_000);
        string folder = Path.Combine(SharedData.RepositoryRoot, "artifacts", "screenshots", testName);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return new BrowserSession(playwright, browser, page, folder);
    }

    /// <summary>Opens a page of the app — signing in as the app's first administrator first when the app sends the
    /// browser to the sign-in page — and waits until its Blazor circuit is interactive (blazor.web.js has started and
    /// the server has rendered the page's components over the circuit).</summary>
    public async Task GoToAsync(Uri baseUri, string path)
    {
        await Page.GotoAsync(new Uri(baseUri, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        if (new Uri(Page.Url).AbsolutePath.StartsWith("/account/sign-in")) await SignInAsync(RunningApp.AdminEmail, RunningApp.AdminPassword);
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
    }

    /// <summary>Fills and posts the static sign-in form the browser is on; the app then returns to the page asked for.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await Page.FillAsync("input[name=email]", email);
        await Page.FillAsync("input[name=password]", password);
        await Page.ClickAsync("button[type=submit]");
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/sign-in") || new Uri(url).Query.Contains("error="));
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (new Uri(Page.Url).AbsolutePath.StartsWith("/account/sign-in"))
            throw new InvalidOperationException($"signing in as {email} failed: {await Page.InnerTextAsync("body")}");
    }

    /// <summary>Closes an open MudSelect list as a user does, by clicking beside it (on the select's overlay), and waits
    /// until it is gone. (Escape does not reliably reach a multi-select whose focus moved to a list item.)</summary>
    public async Task CloseOpenListAsync()
    {
        await Page.Mouse.ClickAsync(1200, 140);
        await Page.Locator(".mud-popover-open").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    /// <summary>Waits until plotly.js has drawn every chart with <paramref name="chartTestId"/> (its SVG with error bars'
    /// layer exists), so screenshots show the plots rather than empty boxes.</summary>
    public static async Task WaitForPlotsAsync(IPage page, string chartTestId)
    {
        var charts = page.Locator($"[data-testid={chartTestId}]");
        await charts.First.WaitForAsync();
        await page.WaitForFunctionAsync(
            "id => { const charts = [...document.querySelectorAll(`[data-testid=${id}]`)]; " +
            "return charts.length > 0 && charts.every(c => c.querySelector('.js-plotly-plot .main-svg .scatterlayer .trace')); }",
            chartTestId, new() { Timeout = 30_000 });
    }

    /// <summary>A full-page screenshot, numbered in order: <c>01-name.png</c>.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        string path = Path.Combine(ScreenshotFolder, $"{++shots:00}-{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
