using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using SteerLab.Server.Api;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>Wires accounts (DESIGN §9): Identity users on EF Core, the browser's cookie and API keys behind one policy
/// scheme that picks per request, the policies for the API and the engine hub, the per-scope caller
/// (<see cref="TeamScope"/>), and the first administrator made at start.</summary>
public static class AccountsSetup
{
    public const string SchemeName = "SteerLab";
    /// <summary>/api and /v1: any signed-in user or API key except a worker-only key.</summary>
    public const string ApiPolicy = "SteerLabApi";
    /// <summary>/hubs/engine: an API key with the worker scope (or a configured worker key).</summary>
    public const string EngineWorkerPolicy = "EngineWorker";
    public const string SignInPath = "/account/sign-in";
    public const string SetupPath = "/account/setup";

    public static IServiceCollection AddSteerLabAccounts(this IServiceCollection services)
    {
        services.AddScoped<SteerLabDbContext>(sp => sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<SteerLabDbContext>>().CreateDbContext());
        // Keys in the database: every server instance reads the same sign-in cookies and judges' API keys, and a
        // restart (or a container without a home folder) loses neither.
        services.AddDataProtection().SetApplicationName("SteerLab").PersistKeysToDbContext<SteerLabDbContext>();
        services.AddIdentityCore<SteerLabUser>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.Password.RequiredLength = 10;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddEntityFrameworkStores<SteerLabDbContext>()
            .AddSignInManager();

        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "Cookie or API key", policy => policy.ForwardDefaultSelector = context =>
                ApiKeyAuthentication.PresentsKey(context.Request) ? ApiKeyAuthentication.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = SignInPath;
            cookie.LogoutPath = "/auth/sign-out";
            cookie.AccessDeniedPath = "/not-found";
            cookie.Cookie.Name = "SteerLab.Auth";
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
            cookie.SlidingExpiration = true;
            // Programs get status codes, people get the sign-in page.
            cookie.Events.OnRedirectToLogin = context => IsForPrograms(context.Request.Path)
                ? AccountProblems.WriteAsync(context.HttpContext, 401, "Not authenticated", "send an API key as 'Authorization: Bearer KEY'")
                : RedirectAsync(context);
            cookie.Events.OnRedirectToAccessDenied = context => IsForPrograms(context.Request.Path)
                ? AccountProblems.WriteAsync(context.HttpContext, 403, "Forbidden", "not allowed for this account")
                : RedirectAsync(context);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.FindFirst(AccountClaims.KeyScope)?.Value is not ApiKeyScopes.Worker))
            .AddPolicy(EngineWorkerPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName)
                .RequireClaim(AccountClaims.KeyScope, ApiKeyScopes.Worker));
        services.AddCascadingAuthenticationState();

        services.AddScoped<TeamScope>();
        services.AddScoped<AccountService>();
        services.AddScoped<IAccountService>(sp => sp.GetRequiredService<AccountService>());
        services.AddScoped<ITeamService, TeamService>();
        services.AddScoped<IAccountSetupState, AccountSetupState>();
        services.AddSingleton<DemoContentSeeder>();
        // After the database migrator (hosted services start in order): the first administrator, then the demo content.
        services.AddHostedService<AccountBootstrapper>();
        return services;
    }

    public static bool IsForPrograms(PathString path) => ApiSetup.IsForPrograms(path) || path.StartsWithSegments("/v1");

    static Task RedirectAsync(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>After authentication: hands each request's user to its <see cref="TeamScope"/>, and turns the team
    /// checks' exceptions into 401/403 problems for the API (pages show them themselves).</summary>
    public static IApplicationBuilder UseTeamScope(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.RequestServices.GetRequiredService<TeamScope>().UseRequest(context);
        try { await next(context); }
        catch (TeamAccessDeniedException denied) when (IsForPrograms(context.Request.Path) && !context.Response.HasStarted)
        {
            await AccountProblems.WriteAsync(context, 403, "Forbidden", denied.Message);
        }
        catch (NotSignedInException missing) when (IsForPrograms(context.Request.Path) && !context.Response.HasStarted)
        {
            await AccountProblems.WriteAsync(context, 401, "Not authenticated", missing.Message);
        }
    });
}
