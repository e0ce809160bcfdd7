using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>Upgrading a database from before accounts: its rows go to the default team, whose owner the first
/// administrator becomes, so nothing is lost or hidden.</summary>
public sealed class TeamsMigrationTests
{
    const string BeforeTeams = "ChatPresetsAndFeatureLabels";

    [Fact]
    public async Task RowsFromBeforeTeams_BelongToTheDefaultTeam_AndItsOwnerSeesThem()
    {
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-migration-test-").FullName;
        try
        {
            var datasetId = Guid.NewGuid();
            if (TestPostgres.IsOn) await ArrangePostgresAsync(dataFolder, datasetId);
            else await ArrangeSqliteAsync(dataFolder, datasetId);

            await using var server = new SteerLabServer(dataFolder: dataFolder);
            var listed = await new Datasets.DatasetApi(server.CreateClient()).ListAsync(); // starts the server: migrates

            Assert.Contains(listed, d => d.Id == datasetId && d.Name == "from before");
            await using var db = server.CreateDbContext();
            Assert.Equal(Team.DefaultId, db.Datasets.Single(d => d.Id == datasetId).TeamId);
            Assert.All(db.ChatPresets, p => Assert.Equal(Team.DefaultId, p.TeamId));
            Assert.Equal(Team.DefaultName, db.Teams.Single(t => t.Id == Team.DefaultId).Name);
            var admin = db.Users.Single(u => u.Email == SteerLabServer.AdminEmail);
            Assert.Contains(db.TeamMembers, m => m.UserId == admin.Id && m.TeamId == Team.DefaultId && m.Role == "owner");
        }
        finally { SteerLabServer.TryDelete(dataFolder); }
    }

    /// <summary>A SQLite database as it was before teams, with a dataset and a chat preset.</summary>
    static async Task ArrangeSqliteAsync(string dataFolder, Guid datasetId)
    {
        var options = new DbContextOptionsBuilder<SqliteSteerLabDbContext>().UseSqlite($"Data Source={Path.Combine(dataFolder, "steerlab.db")}").Options;
        await using (var old = new SqliteSteerLabDbContext(options))
        {
            await old.GetService<IMigrator>().MigrateAsync(MigrationId(old, BeforeTeams));
            await old.Database.ExecuteSqlRawAsync(
                "INSERT INTO Datasets (Id, Name, Description, ContentHash, PairCount, PairsJson, CreatedAt) VALUES ({0}, 'from before', '', 'abc123', 1, '[]', '2026-11-01 00:00:00')",
                datasetId.ToString().ToUpperInvariant());
            await old.Database.ExecuteSqlRawAsync(
                "INSERT INTO ChatPresets (Id, Name, Model, SettingsJson, CreatedAt) VALUES ({0}, 'old preset', 'stories260K', '{{}}', '2026-11-01 00:00:00')",
                Guid.NewGuid().ToString().ToUpperInvariant());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>The same on the PostgreSQL database the test server will use for <paramref name="dataFolder"/>.</summary>
    static async Task ArrangePostgresAsync(string dataFolder, Guid datasetId)
    {
        var options = new DbContextOptionsBuilder<PostgresSteerLabDbContext>().UseNpgsql(TestPostgres.ConnectionStringFor(dataFolder)).Options;
        await using (var old = new PostgresSteerLabDbContext(options))
        {
            await old.GetService<IMigrator>().MigrateAsync(MigrationId(old, BeforeTeams));
            await old.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"Datasets\" (\"Id\", \"Name\", \"Description\", \"ContentHash\", \"PairCount\", \"PairsJson\", \"CreatedAt\") VALUES ({0}, 'from before', '', 'abc123', 1, '[]', '2026-11-01 00:00:00+00')",
                datasetId);
            await old.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"ChatPresets\" (\"Id\", \"Name\", \"Model\", \"SettingsJson\", \"CreatedAt\") VALUES ({0}, 'old preset', 'stories260K', '{{}}', '2026-11-01 00:00:00+00')",
                Guid.NewGuid());
        }
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    /// <summary>The provider's id of the migration named <paramref name="name"/> (ids start with the time it was added).</summary>
    static string MigrationId(SteerLabDbContext context, string name) => context.Database.GetMigrations().Single(m => m.EndsWith("_" + name, StringComparison.Ordinal));
}
