using System.Net;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>The browser's way in: pages send people to the static sign-in page, the form's post sets the cookie, the
/// cookie opens pages and the API, signing out closes them; programs get 401s, never the sign-in page.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task SignIn_SetsACookieThatOpensPagesAndTheApi_AndSignOutClosesThem()
    {
        await using var server = new SteerLabServer();
        using var browser = Accounts.Browser(server);

        using var before = await browser.GetAsync("/datasets");
        Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
        Assert.StartsWith("/account/sign-in", before.Headers.Location!.PathAndQuery);

        using var signedIn = await Accounts.SignInAsync(browser, SteerLabServer.AdminEmail, SteerLabServer.AdminPassword, "/datasets");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/datasets", signedIn.Headers.Location!.OriginalString);

        using var page = await browser.GetAsync("/datasets");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(SteerLabServer.AdminEmail, await page.Content.ReadAsStringAsync()); // the app bar shows who is signed in
        using var api = await browser.GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);

        using var signedOut = await Accounts.PostFormAsync(browser, "/datasets", "/auth/sign-out", []);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        using var after = await browser.GetAsync("/datasets");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_ReturnsToTheSignInPageWithAnError()
    {
        await using var server = new SteerLabServer();
        using var browser = Accounts.Browser(server);

        using var refused = await Accounts.SignInAsync(browser, SteerLabServer.AdminEmail, "Not-the-password-1");

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("error=wrong", refused.Headers.Location!.OriginalString);
        using var api = await browser.GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task SignIn_DoesNotRedirectToOtherSites()
    {
        await using var server = new SteerLabServer();
        using var browser = Accounts.Browser(server);

        using var signedIn = await Accounts.SignInAsync(browser, SteerLabServer.AdminEmail, SteerLabServer.AdminPassword, "//evil.example/");

        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/api/datasets")]
    [InlineData("/api/vectors")]
    [InlineData("/api/jobs")]
    public async Task Api_WithoutCredentials_Answers401Json(string path)
    {
        await using var server = new SteerLabServer();
        using var anonymous = server.CreateAnonymousClient();

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenAiEndpoint_WithoutCredentials_Answers401()
    {
        await using var server = new SteerLabServer();
        using var anonymous = server.CreateAnonymousClient();

        using var response = await anonymous.PostAsync("/v1/chat/completions", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SetupPage_CreatesTheFirstAdministratorOnce_WithAPasswordIdentityAccepts()
    {
        // No SteerLab:Admin: the first administrator comes from the setup page.
        await using var server = new SteerLabServer(extraSettings: new Dictionary<string, string?> { ["SteerLab:Admin:Email"] = null, ["SteerLab:Admin:Password"] = null });
        using var browser = Accounts.Browser(server);

        using var bootstrapBefore = await server.CreateClient().GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.Unauthorized, bootstrapBefore.StatusCode); // the bootstrap key acts for an administrator there is not yet

        using var weak = await Accounts.PostFormAsync(browser, "/account/setup", "/auth/setup",
            new() { ["email"] = "first@steerlab.test", ["password"] = "short", ["confirm"] = "short" });
        Assert.Contains("/account/setup?error=", weak.Headers.Location!.OriginalString);

        using var created = await Accounts.PostFormAsync(browser, "/account/setup", "/auth/setup",
            new() { ["email"] = "first@steerlab.test", ["password"] = "First-admin-password-1", ["confirm"] = "First-admin-password-1" });
        Assert.Equal("/", created.Headers.Location!.OriginalString);
        using var api = await browser.GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode); // signed in by the setup

        using var again = Accounts.Browser(server);
        Assert.Contains("set up already", await again.GetStringAsync("/account/setup"));
        using var second = await Accounts.PostFormAsync(again, "/account/sign-in", "/auth/setup",
            new() { ["email"] = "second@steerlab.test", ["password"] = "Second-admin-password-1", ["confirm"] = "Second-admin-password-1" });
        Assert.Equal("/account/sign-in", second.Headers.Location!.OriginalString);
        await using var db = server.CreateDbContext();
        var user = Assert.Single(db.Users);
        Assert.True(user.IsAdministrator);
        Assert.Contains(db.TeamMembers, m => m.UserId == user.Id && m.TeamId == SteerLab.Server.Data.Team.DefaultId && m.Role == "owner");

        using var bootstrapAfter = await server.CreateClient().GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.OK, bootstrapAfter.StatusCode); // now it acts for the new administrator
    }

    [Fact]
    public async Task ConfiguredAdministrator_WithAWeakPassword_StopsTheStart()
    {
        await using var server = new SteerLabServer(extraSettings: new Dictionary<string, string?> { ["SteerLab:Admin:Password"] = "weak" });

        var refused = Assert.ThrowsAny<Exception>(() => server.CreateClient());

        Assert.Contains("SteerLab:Admin", refused.ToString());
    }
}
