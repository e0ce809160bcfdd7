using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using SteerLab.E2E.Tests.Support;

namespace SteerLab.E2E.Tests;

/// <summary>An administrator gives a program an API key and takes it back, then invites a colleague, who creates an
/// account from the link and joins the team as a viewer.</summary>
public sealed class TeamsAndKeysTests
{
    const string ColleagueEmail = "colleague@steerlab.test";
    const string ColleaguePassword = "Colleague-password-1";

    [SkippableFact]
    public async Task Administrator_CreatesAndRevokesAKey_AndAnInvitedColleagueJoinsAsViewer()
    {
        await using var app = await RunningApp.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(nameof(Administrator_CreatesAndRevokesAKey_AndAnInvitedColleagueJoinsAsViewer));
        var page = browser.Page;
        using var http = new HttpClient { BaseAddress = app.BaseUri };

        // An API key: shown once, works at once, stops working when revoked.
        await browser.GoToAsync(app.BaseUri, "/account");
        await page.GetByTestId("key-name").FillAsync("notebook");
        await page.GetByTestId("key-name").PressAsync("Tab"); // the field commits its value on change
        await page.GetByTestId("create-key").ClickAsync();
        string secret = await page.GetByTestId("new-key-secret").InputValueAsync();
        Assert.False(string.IsNullOrWhiteSpace(secret));
        await browser.ScreenshotAsync("key-created");
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(http, secret));
        await page.GetByTestId("dismiss-key").ClickAsync();
        await page.GetByTestId("revoke-key").First.ClickAsync();
        await page.Locator(".mud-dialog button").Filter(new() { HasText = "Revoke" }).ClickAsync();
        await page.GetByTestId("revoke-key").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(http, secret));

        // An invitation link for a viewer.
        await page.Locator("a[href='team']").ClickAsync();
        await page.GetByTestId("create-invitation").ClickAsync();
        string link = await page.GetByTestId("new-invitation-link").InputValueAsync();
        Assert.Contains("/invite/", link);
        Assert.Equal("open", (await page.GetByTestId("invitation-status").First.InnerTextAsync()).Trim()); // listed for the owner
        await browser.ScreenshotAsync("invitation");
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/account/sign-in"));

        // The colleague opens it, creates an account from the sign-in page's offer, and accepts.
        await page.GotoAsync(link);
        await page.GetByTestId("join-with-invitation").ClickAsync();
        await page.FillAsync("input[name=email]", ColleagueEmail);
        await page.FillAsync("input[name=password]", ColleaguePassword);
        await page.FillAsync("input[name=confirm]", ColleaguePassword);
        await browser.ScreenshotAsync("join");
        await page.ClickAsync("button[type=submit]");
        // Signed in and back on the invitation: wait for its circuit, or the click lands on the prerendered button.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/invite/"));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        await page.GetByTestId("accept-invitation").ClickAsync();
        await page.GetByTestId("invitation-accepted").WaitForAsync();
        Assert.Contains("viewer", await page.GetByTestId("invitation-accepted").InnerTextAsync());
        await browser.ScreenshotAsync("joined");

        // As a viewer they see the team's vectors and cannot build one.
        await browser.GoToAsync(app.BaseUri, "/vectors");
        await page.GetByText("romance-vs-press SAS").First.WaitForAsync();
        Assert.Contains(ColleagueEmail, await page.GetByTestId("signed-in-user").TextContentAsync());
        Assert.True(await page.GetByTestId("open-build").CountAsync() == 0 || await page.GetByTestId("open-build").IsDisabledAsync(),
            "a viewer is offered to build a vector");
        await browser.ScreenshotAsync("viewer-vectors");
    }

    static async Task<HttpStatusCode> StatusWithKeyAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/vectors");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
