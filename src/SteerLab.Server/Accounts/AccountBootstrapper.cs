using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>At start, after the migrations: creates the first administrator from <c>SteerLab:Admin</c> when no user
/// exists (a password Identity's rules refuse stops the start, naming the rules), then gives every team its demo
/// content. Without a configured administrator the setup page creates the first one (<see cref="FirstAdministrator"/>).</summary>
sealed class AccountBootstrapper(IServiceScopeFactory scopes, IOptions<SteerLabOptions> options, DemoContentSeeder demo, ILogger<AccountBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value.Admin;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SteerLabDbContext>();
            if (admin.IsConfigured && !await db.Users.AnyAsync(cancellationToken))
            {
                var created = await FirstAdministrator.CreateAsync(scope.ServiceProvider, admin.Email!, admin.Password ?? "", cancellationToken);
                if (created.Errors.Count > 0)
                    throw new InvalidOperationException($"SteerLab:Admin: the first administrator could not be created: {string.Join("; ", created.Errors)}");
                logger.LogInformation("Created the first administrator {Email} from configuration", admin.Email);
            }
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SteerLabDbContext>();
            var teams = await db.Teams.AsNoTracking().Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
            foreach (var team in teams) await demo.SeedAsync(team.Id, team.Name, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Creating the first administrator (from configuration or the setup page): an Identity user with the
/// password checked by Identity's rules, owner of the default team (which holds any rows from before accounts).</summary>
public static class FirstAdministrator
{
    public sealed record Outcome(SteerLabUser? User, IReadOnlyList<string> Errors);

    /// <summary>Whether the setup page may still create one: no user yet and none configured.</summary>
    public static async Task<bool> IsSetupOpenAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IOptions<SteerLabOptions>>().Value.Admin.IsConfigured) return false;
        return !await services.GetRequiredService<SteerLabDbContext>().Users.AnyAsync(cancellationToken);
    }

    public static async Task<Outcome> CreateAsync(IServiceProvider services, string email, string password, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<SteerLabUser>>();
        var db = services.GetRequiredService<SteerLabDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var user = new SteerLabUser { Id = Guid.NewGuid(), UserName = email.Trim(), Email = email.Trim(), IsAdministrator = true, CreatedAt = now, ActiveTeamId = Team.DefaultId };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) return new Outcome(null, result.Errors.Select(e => e.Description).ToList());
        if (!await db.Teams.AnyAsync(t => t.Id == Team.DefaultId, cancellationToken))
            db.Teams.Add(new Team { Id = Team.DefaultId, Name = Team.DefaultName, CreatedAt = now });
        db.TeamMembers.Add(new TeamMember { TeamId = Team.DefaultId, UserId = user.Id, Role = TeamRoles.Owner, JoinedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        return new Outcome(user, []);
    }
}
