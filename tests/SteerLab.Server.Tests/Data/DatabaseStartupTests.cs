using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Data;

public sealed class DatabaseStartupTests
{
    static readonly HashSet<string> SomeTables = ["Models", "Saes", "Datasets", "Vectors", "Jobs", "ChatSessions", "ChatMessages", "Runs", "RunJudgements", "DataProtectionKeys"];

    [Fact]
    public async Task Start_AppliesTheConfiguredProvidersMigrations()
    {
        await using var server = new SteerLabServer();
        using var client = server.CreateClient(); // starts the host

        await using (var db = server.CreateDbContext())
        {
            Assert.IsType(TestPostgres.IsOn ? typeof(PostgresSteerLabDbContext) : typeof(SqliteSteerLabDbContext), db);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate"));
        }
        if (TestPostgres.IsOn) await AssertPostgresTablesAsync(server);
        else await AssertSqliteFileAsync(server);
    }

    static async Task AssertSqliteFileAsync(SteerLabServer server)
    {
        Assert.True(File.Exists(server.DatabaseFile), $"no database at {server.DatabaseFile}");
        await using var connection = new SqliteConnection($"Data Source={server.DatabaseFile}");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Superset(SomeTables, tables.ToHashSet());
        await using var journal = new SqliteCommand("PRAGMA journal_mode", connection);
        Assert.Equal("wal", (string?)await journal.ExecuteScalarAsync());
    }

    static async Task AssertPostgresTablesAsync(SteerLabServer server)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionStringFor(server.DataFolder));
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Superset(SomeTables, tables.ToHashSet());
        Assert.False(File.Exists(server.DatabaseFile), "a SQLite file was made although the server runs on PostgreSQL");
    }

    /// <summary>Each provider's migrations end where the model is: an entity changed without adding migrations for
    /// both (Data/Migrations/README.md) fails here, without a database.</summary>
    [Fact]
    public void BothProvidersMigrations_MatchTheModel()
    {
        using var sqlite = new SqliteSteerLabDbContext(new DbContextOptionsBuilder<SqliteSteerLabDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var postgres = new PostgresSteerLabDbContext(new DbContextOptionsBuilder<PostgresSteerLabDbContext>().UseNpgsql("Host=localhost;Database=unused").Options);

        Assert.False(sqlite.Database.HasPendingModelChanges(), "the model has changes the SQLite migrations lack");
        Assert.False(postgres.Database.HasPendingModelChanges(), "the model has changes the PostgreSQL migrations lack");
        Assert.Equal(sqlite.Database.GetMigrations().Select(Name), postgres.Database.GetMigrations().Select(Name));
    }

    /// <summary>A migration's name without its timestamp (the two providers' sets were added seconds apart).</summary>
    static string Name(string migrationId) => migrationId[(migrationId.IndexOf('_') + 1)..];

    [Fact]
    public void SqliteConnectionString_PutsARelativeDatabaseInTheDataFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"steerlab-cs-{Guid.NewGuid():N}");
        try
        {
            var defaulted = new SqliteConnectionStringBuilder(DatabaseSetup.SqliteConnectionString(null, "/content", folder));
            var relative = new SqliteConnectionStringBuilder(DatabaseSetup.SqliteConnectionString("Data Source=other.db", "/content", folder));

            Assert.Equal(Path.Combine(folder, "steerlab.db"), defaulted.DataSource);
            Assert.Equal(Path.Combine(folder, "other.db"), relative.DataSource);
            Assert.True(Directory.Exists(folder));
        }
        finally { SteerLabServer.TryDelete(folder); }
    }
}
