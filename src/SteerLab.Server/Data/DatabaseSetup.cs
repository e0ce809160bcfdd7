using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace SteerLab.Server.Data;

/// <summary>Wires the database: the provider chosen by <c>SteerLab:Database:Provider</c>, the connection string
/// <c>ConnectionStrings:SteerLab</c> (for SQLite defaulting to steerlab.db in the data folder), a context factory
/// (jobs, the engine hub and Blazor circuits all live outside a request), and migrations applied at start.</summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "SteerLab";

    public static IServiceCollection AddSteerLabDatabase(this IServiceCollection services)
    {
        services.AddSingleton<IDbContextFactory<SteerLabDbContext>, SteerLabDbContextFactory>();
        // First of all hosted services, ahead of those registered earlier (Data Protection's, added by Razor
        // components, loads its key ring from the database at start): nothing may read a table before it exists.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseMigrator>());
        return services;
    }

    /// <summary>The configured SQLite connection string, or one for steerlab.db in the data folder (created if
    /// missing). A relative data source is taken relative to the data folder too, never to the working directory.</summary>
    public static string SqliteConnectionString(string? configured, string contentRoot, string dataFolder)
    {
        string folder = Path.GetFullPath(Path.Combine(contentRoot, dataFolder));
        var connection = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=steerlab.db" : configured);
        if (connection.DataSource != ":memory:" && connection.Mode != SqliteOpenMode.Memory && !Path.IsPathRooted(connection.DataSource))
            connection.DataSource = Path.Combine(folder, connection.DataSource);
        if (Path.IsPathRooted(connection.DataSource)) Directory.CreateDirectory(Path.GetDirectoryName(connection.DataSource)!);
        // Jobs write progress while pages read: wait for a lock instead of failing at once.
        connection.DefaultTimeout = Math.Max(connection.DefaultTimeout, 30);
        return connection.ToString();
    }

    /// <summary>Builds the configured provider's context (read when first needed, so test hosts can override the
    /// configuration) and hands it out as the common <see cref="SteerLabDbContext"/>.</summary>
    sealed class SteerLabDbContextFactory : IDbContextFactory<SteerLabDbContext>
    {
        readonly Func<SteerLabDbContext> create;

        public SteerLabDbContextFactory(IOptions<SteerLabOptions> options, IConfiguration configuration, IHostEnvironment environment, ILoggerFactory logging)
        {
            var settings = options.Value;
            string? configured = configuration.GetConnectionString(ConnectionStringName);
            switch (settings.Database.Provider.ToLowerInvariant())
            {
                case DatabaseOptions.Sqlite:
                    var sqlite = new DbContextOptionsBuilder<SqliteSteerLabDbContext>()
                        .UseSqlite(SqliteConnectionString(configured, environment.ContentRootPath, settings.DataFolder)).UseLoggerFactory(logging).Options;
                    create = () => new SqliteSteerLabDbContext(sqlite);
                    break;
                case DatabaseOptions.Postgres:
                    if (string.IsNullOrWhiteSpace(configured))
                        throw new InvalidOperationException($"SteerLab:Database:Provider is \"postgres\" but ConnectionStrings:{ConnectionStringName} is not set");
                    var postgres = new DbContextOptionsBuilder<PostgresSteerLabDbContext>().UseNpgsql(configured).UseLoggerFactory(logging).Options;
                    create = () => new PostgresSteerLabDbContext(postgres);
                    break;
                default:
                    throw new InvalidOperationException(
                        $"SteerLab:Database:Provider must be \"{DatabaseOptions.Sqlite}\" or \"{DatabaseOptions.Postgres}\", not \"{settings.Database.Provider}\"");
            }
        }

        public SteerLabDbContext CreateDbContext() => create();
    }
}
