using Microsoft.EntityFrameworkCore;

namespace SteerLab.Server.Data;

/// <summary>Brings the database schema up to date when the server starts, before the job scheduler (registered
/// after it) looks at the queue. Hosted services start one after another, so nothing reads the tables first.</summary>
sealed class DatabaseMigrator(IDbContextFactory<SteerLabDbContext> contexts, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0) logger.LogInformation("Applying {Count} database migrations: {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
            // Write-ahead logging lets pages read while a job writes its progress; the setting stays with the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
