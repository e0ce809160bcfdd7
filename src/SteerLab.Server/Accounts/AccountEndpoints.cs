using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SteerLab.Server.Data;

namespace SteerLab.Server.Accounts;

/// <summary>The form posts of the static sign-in and setup pages, and signing out. Blazor's interactive circuits cannot
/// set cookies, so these are plain HTTP endpoints that answer with redirects (antiforgery-checked forms).</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/auth").WithTags("Accounts").ExcludeFromDescription();
        auth.MapPost("/sign-in", SignInAsync);
        auth.MapPost("/setup", SetupAsync);
        auth.MapPost("/join", JoinAsync);
        auth.MapPost("/sign-out", SignOutAsync);
        return endpoints;
    }

    static async Task<IResult> SignInAsync([FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
        SignInManager<SteerLabUser> signIn, ILoggerFactory logging)
    {
        string back = LocalOnly(returnUrl);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
            return Results.Redirect($"{AccountsSetup.SignInPath}?error=missing&returnUrl={Uri.EscapeDataString(back)}");
        var result = await signIn.PasswordSignInAsync(email.Trim(), password, isPersistent: true, lockoutOnFailure: true);
        if (result.Succeeded) return Results.LocalRedirect(back);
        logging.CreateLogger("SteerLab.Accounts").LogInformation("Sign-in refused for {Email}{Lockout}", email, result.IsLockedOut ? " (locked out)" : "");
        return Results.Redirect($"{AccountsSetup.SignInPath}?error={(result.IsLockedOut ? "locked" : "wrong")}&returnUrl={Uri.EscapeDataString(back)}");
    }

    static async Task<IResult> SetupAsync([FromForm] string? email, [FromForm] string? password, [FromForm] string? confirm,
        HttpContext http, SignInManager<SteerLabUser> signIn, CancellationToken cancellation)
    {
        // One time only: once a user exists (or one is configured), the setup page is gone for good.
        if (!await FirstAdministrator.IsSetupOpenAsync(http.RequestServices, cancellation)) return Results.Redirect(AccountsSetup.SignInPath);
        string? problem = string.IsNullOrWhiteSpace(email) || !email.Contains('@') ? "give an e-mail address"
            : password != confirm ? "the two passwords differ" : null;
        if (problem is null)
        {
            var created = await FirstAdministrator.CreateAsync(http.RequestServices, email!, password ?? "", cancellation);
            if (created.User is { } user)
            {
                await http.RequestServices.GetRequiredService<DemoContentSeeder>().SeedAsync(Team.DefaultId, Team.DefaultName, cancellation);
                await signIn.SignInAsync(user, isPersistent: true);
                return Results.LocalRedirect("/");
            }
            problem = string.Join(" ", created.Errors);
        }
        return Results.Redirect($"{AccountsSetup.SetupPath}?error={Uri.EscapeDataString(problem)}&email={Uri.EscapeDataString(email ?? "")}");
    }

    /// <summary>A new person with an invitation link: the account is created only while the invitation is still valid, then
    /// signed in and sent to the invitation page to accept it (where <see cref="TeamService"/> claims it once).</summary>
    static async Task<IResult> JoinAsync([FromForm] string? email, [FromForm] string? password, [FromForm] string? confirm,
        [FromForm] string? token, SteerLabDbContext db, UserManager<SteerLabUser> users, SignInManager<SteerLabUser> signIn,
        TimeProvider clock, ILoggerFactory logging, CancellationToken cancellation)
    {
        token = token?.Trim() ?? "";
        string invitePath = $"/invite/{Uri.EscapeDataString(token)}";
        string? problem = !await TeamService.IsInvitationOpenAsync(db, token, clock.GetUtcNow().UtcDateTime, cancellation)
                ? "This invitation link is not valid: it was used, revoked or has expired. Ask for a new one."
            : string.IsNullOrWhiteSpace(email) || !email.Contains('@') ? "Give an e-mail address."
            : password != confirm ? "The two passwords differ."
            : await users.FindByEmailAsync(email.Trim()) is not null ? "An account with this e-mail address exists already: sign in instead."
            : null;
        if (problem is null)
        {
            var user = new SteerLabUser { Id = Guid.NewGuid(), UserName = email!.Trim(), Email = email.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
            var created = await users.CreateAsync(user, password ?? "");
            if (created.Succeeded)
            {
                logging.CreateLogger("SteerLab.Accounts").LogInformation("Account {Email} created from an invitation", user.Email);
                await signIn.SignInAsync(user, isPersistent: true);
                return Results.LocalRedirect(invitePath);
            }
            problem = string.Join(" ", created.Errors.Select(e => e.Description));
        }
        return Results.Redirect($"/account/join?token={Uri.EscapeDataString(token)}&error={Uri.EscapeDataString(problem)}&email={Uri.EscapeDataString(email ?? "")}");
    }

    static async Task<IResult> SignOutAsync(SignInManager<SteerLabUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.LocalRedirect(AccountsSetup.SignInPath);
    }

    /// <summary>Only paths of this site, so the sign-in form cannot be used to send people elsewhere.</summary>
    public static string LocalOnly(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\") ? returnUrl : "/";
}
