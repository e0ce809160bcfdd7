using SteerLab.Server.Datasets;
using SteerLab.Server.Vectors;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>Gives a team the built-in demo datasets and vectors, so every team starts with something to chat with. Each
/// team gets its own copies (editable and deletable like any of its content) rather than a shared read-only scope: the
/// demo is a few kilobytes, and one kind of row is simpler than two. Idempotent: run for every team at each start.</summary>
public sealed class DemoContentSeeder(IServiceScopeFactory scopes, ILogger<DemoContentSeeder> logger)
{
    public async Task SeedAsync(Guid teamId, string teamName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<TeamScope>().ActFor(new Caller(Guid.Empty, "SteerLab", false, teamId, teamName, TeamRoles.Owner, null));
        await services.GetRequiredService<BuiltInDatasetSeeder>().SeedAsync(cancellationToken);
        await services.GetRequiredService<DemoVectorSeeder>().SeedAsync(cancellationToken);
        logger.LogDebug("Demo content checked for team {Team}", teamName);
    }
}
