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
    const string BeforeTeams = "20261124012954_ChatPresetsAndFeatureLabels";

    [Fact]
    public async Task RowsFromBeforeTeams_BelongToTheDefaultTeam_AndItsOwnerSeesThem()
    {
        string dataFolder = Directory.CreateTempSubdirectory("steerlab-migration-test-").FullName;
        try
        {
            var datasetId = Guid.NewGuid();
            var options = new DbContextOptionsBuilder<SqliteSteerLabDbContext>().UseSqlite($"Data Source={Path.Combine(dataFolder, "steerlab.db")}").Options;
            await using (var old = new SqliteSteerLabDbContext(options))
            {
                await old.GetService<IMigrator>().MigrateAsync(BeforeTeams);
                await old.Database.ExecuteSqlRawAsync(
                    "INSERT INTO Datasets (Id, Name, Description, ContentHash, PairCount, PairsJson, CreatedAt) VALUES ({0}, 'from before', '', 'abc123', 1, '[]', '2026-11-01 00:00:00')",
                    datasetId.ToString().ToUpperInvariant());
                await old.Database.ExecuteSqlRawAsync(
                    "INSERT INTO ChatPresets (Id, Name, Model, SettingsJson, CreatedAt) VALUES ({0}, 'old preset', 'stories260K', '{{}}', '2026-11-01 00:00:00')",
                    Guid.NewGuid().ToString().ToUpperInvariant());
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

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
}
