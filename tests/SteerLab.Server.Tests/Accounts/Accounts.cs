using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>Arranging accounts in a test host: users in teams, services acting for a user (through the same
/// <see cref="TeamScope"/> resolution a request uses), and the static forms' antiforgery tokens.</summary>
static class Accounts
{
    public const string Password = "Member-password-1";

    /// <summary>A new user, member of <paramref name="teamId"/> with <paramref name="role"/>.</summary>
    public static async Task<Guid> CreateUserAsync(SteerLabServer server, string email, Guid teamId, string role)
    {
        using var scope = server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<SteerLabUser>>();
        var user = new SteerLabUser { Id = Guid.NewGuid(), UserName = email, Email = email, CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        await using var db = server.CreateDbContext();
        db.TeamMembers.Add(new TeamMember { TeamId = teamId, UserId = user.Id, Role = role, JoinedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>A new team with no members (its owner is added with <see cref="CreateUserAsync"/>).</summary>
    public static async Task<Guid> CreateTeamAsync(SteerLabServer server, string name)
    {
        await using var db = server.CreateDbContext();
        var team = new Team { Id = Guid.NewGuid(), Name = name, CreatedAt = DateTime.UtcNow };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }

    /// <summary>A scope whose services act for <paramref name="userId"/> signed in with a browser.</summary>
    public static AsyncServiceScope ActingFor(SteerLabServer server, Guid userId)
    {
        var scope = server.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], "test"));
        scope.ServiceProvider.GetRequiredService<TeamScope>().UseRequest(new DefaultHttpContext { User = principal });
        return scope;
    }

    public static async Task<Guid> AdminIdAsync(SteerLabServer server)
    {
        await using var db = server.CreateDbContext();
        return db.Users.Single(u => u.Email == SteerLabServer.AdminEmail).Id;
    }

    /// <summary>A browser-like client: no key, keeps cookies, does not follow redirects (so tests see them).</summary>
    public static HttpClient Browser(SteerLabServer server)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>GETs a static page and posts its form with the antiforgery token it carries.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        string html = await client.GetStringAsync(page);
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(token.Success, $"{page} has no antiforgery token:\n{html}");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password, string returnUrl = "/") =>
        PostFormAsync(browser, "/account/sign-in", "/auth/sign-in", new() { ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl });
}
