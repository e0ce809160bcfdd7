using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>A person without an account opens an invitation link: the sign-in page offers to create one, the join form
/// creates it (only while the invitation is valid), signs them in and returns them to the invitation to accept.</summary>
public sealed class JoinWithInvitationTests
{
    const string NewcomerPassword = "Newcomer-password-1";

    static async Task<string> InvitationTokenAsync(SteerLabServer server, string role)
    {
        await using var scope = Accounts.ActingFor(server, await Accounts.AdminIdAsync(server));
        var created = await scope.ServiceProvider.GetRequiredService<ITeamService>().CreateInvitationAsync(role);
        return created.Path["/invite/".Length..];
    }

    static Task<HttpResponseMessage> JoinAsync(HttpClient browser, string token, string email, string password, string confirm) =>
        Accounts.PostFormAsync(browser, $"/account/join?token={Uri.EscapeDataString(token)}", "/auth/join",
            new() { ["email"] = email, ["password"] = password, ["confirm"] = confirm, ["token"] = token });

    [Fact]
    public async Task ANewPerson_CreatesAnAccountFromAnInvitation_AndAcceptsIt()
    {
        await using var server = new SteerLabServer();
        string token = await InvitationTokenAsync(server, TeamRoles.Viewer);
        using var browser = Accounts.Browser(server);

        using var invite = await browser.GetAsync($"/invite/{token}");
        Assert.Equal(HttpStatusCode.Redirect, invite.StatusCode);
        string signInPage = await browser.GetStringAsync(invite.Headers.Location!.PathAndQuery);
        Assert.Contains($"account/join?token={Uri.EscapeDataString(token)}", signInPage);

        using var joined = await JoinAsync(browser, token, "newcomer@steerlab.test", NewcomerPassword, NewcomerPassword);
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal($"/invite/{token}", joined.Headers.Location!.OriginalString);
        using var page = await browser.GetAsync($"/invite/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // signed in: the invitation page itself, with its Accept button

        await using var db = server.CreateDbContext();
        var user = db.Users.Single(u => u.Email == "newcomer@steerlab.test");
        Assert.False(user.IsAdministrator);
        await using (var scope = Accounts.ActingFor(server, user.Id))
            Assert.Equal(TeamRoles.Viewer, (await scope.ServiceProvider.GetRequiredService<ITeamService>().AcceptInvitationAsync(token))?.Role);
    }

    [Fact]
    public async Task NoAccountIsCreated_ForAnInvalidInvitation_ATakenAddress_OrMismatchedPasswords()
    {
        await using var server = new SteerLabServer();
        string token = await InvitationTokenAsync(server, TeamRoles.Editor);
        using var browser = Accounts.Browser(server);

        using var forged = await JoinAsync(browser, "not-a-real-invitation", "a@steerlab.test", NewcomerPassword, NewcomerPassword);
        using var taken = await JoinAsync(browser, token, SteerLabServer.AdminEmail, NewcomerPassword, NewcomerPassword);
        using var mismatched = await JoinAsync(browser, token, "b@steerlab.test", NewcomerPassword, NewcomerPassword + "x");
        using var weak = await JoinAsync(browser, token, "c@steerlab.test", "short", "short");

        foreach (var (response, words) in new[] { (forged, "not+valid"), (taken, "exists+already"), (mismatched, "differ"), (weak, "error=") })
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/join?", response.Headers.Location!.OriginalString);
            Assert.Contains(words, response.Headers.Location!.OriginalString.Replace("%20", "+"));
        }
        await using var db = server.CreateDbContext();
        Assert.Equal(1, db.Users.Count()); // only the administrator
        using var api = await browser.GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode); // nobody was signed in
    }
}
