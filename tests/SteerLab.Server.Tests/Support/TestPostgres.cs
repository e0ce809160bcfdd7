using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace SteerLab.Server.Tests.Support;

/// <summary>Runs the server tests on PostgreSQL instead of SQLite when <see cref="Variable"/> holds an admin connection
/// string (a role that may create databases; <c>.ci/postgres-for-tests</c> starts one and prints it). Each data folder
/// gets its own database, named after the folder, so a second server on the same folder (a restart) finds the first
/// one's rows; it is created by the server's migrations and dropped with the folder.</summary>
public static class TestPostgres
{
    public const string Variable = "STEERLAB_TEST_POSTGRES";

    static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>True when the tests run on PostgreSQL.</summary>
    public static bool IsOn => AdminConnectionString is not null;

    /// <summary>The database of a data folder: "steerlab_test_" and the start of the folder path's SHA-256.</summary>
    public static string DatabaseFor(string dataFolder) =>
        "steerlab_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataFolder))))[..24];

    public static string ConnectionStringFor(string dataFolder) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = DatabaseFor(dataFolder) }.ConnectionString;

    /// <summary>Drops the data folder's database, if the tests run on PostgreSQL and it exists. A drop that fails (a
    /// connection PostgreSQL will not end yet) is tried again a few times, then left with a warning: cleaning up never
    /// fails a test.</summary>
    public static void Drop(string dataFolder)
    {
        if (AdminConnectionString is not { } admin) return;
        NpgsqlConnection.ClearAllPools(); // the server's pooled connections would hold the database open
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = new NpgsqlConnection(admin);
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseFor(dataFolder)}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
                return;
            }
            catch (PostgresException) when (attempt < 5)
            {
                Thread.Sleep(200 * attempt);
            }
            catch (PostgresException e)
            {
                Console.Error.WriteLine($"TestPostgres: could not drop {DatabaseFor(dataFolder)}: {e.MessageText}");
                return;
            }
        }
    }
}
