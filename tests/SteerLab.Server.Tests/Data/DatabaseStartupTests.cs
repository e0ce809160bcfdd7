using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Data;

public sealed class DatabaseStartupTests
{
    [SkippableFact]
    public async Task Start_AppliesTheSqliteMigrationsToAFileInTheDataFolder()
    {
        await using var server = new SteerLabServer();
        using var client = server.CreateClient(); // starts the host

        Assert.True(File.Exists(server.DatabaseFile), $"no database at {server.DatabaseFile}");
        await using (var db = server.CreateDbContext())
        {
            Assert.IsType<SqliteSteerLabDbContext>(db);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate"));
        }
        await using var connection = new SqliteConnection($"Data Source={server.DatabaseFile}");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Superset(new HashSet<string> { "Models", "Saes", "Datasets", "Vectors", "Jobs", "ChatSessions", "ChatMessages" }, tables.ToHashSet());
        await using var journal = new SqliteCommand("PRAGMA journal_mode", connection);
        Assert.Equal("wal", (string?)await journal.ExecuteScalarAsync());
    }

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
