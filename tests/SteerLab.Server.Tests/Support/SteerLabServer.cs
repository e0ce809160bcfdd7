using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;

namespace SteerLab.Server.Tests.Support;

/// <summary>The real host over a real SQLite file in a temporary data folder (or a PostgreSQL database of its own, see
/// <see cref="TestPostgres"/>), with ../shared/data as its model root. Give the same <see cref="DataFolder"/> to a second
/// instance to simulate a restart on the same database.</summary>
public sealed class SteerLabServer : WebApplicationFactory<Program>
{
    public const string WorkerKey = "test-worker-key";
    /// <summary>SteerLab:BootstrapApiKey of every test host: acts for <see cref="AdminEmail"/>; clients send it by default.</summary>
    public const string BootstrapKey = "test-bootstrap-key-0123456789abcdef0123456789";
    public const string AdminEmail = "admin@steerlab.test";
    public const string AdminPassword = "Test-admin-password-1";
    public const string InstanceName = "test-instance";

    readonly Dictionary<string, string?> settings;
    readonly bool ownsDataFolder;

    public SteerLabServer(string engineMode = "in-process", string? dataFolder = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        ownsDataFolder = dataFolder is null;
        DataFolder = dataFolder ?? Directory.CreateTempSubdirectory("steerlab-server-test-").FullName;
        settings = new()
        {
            ["SteerLab:DataFolder"] = DataFolder,
            ["SteerLab:ModelRoots:0"] = SharedData.ModelRoot,
            ["SteerLab:Engine:Mode"] = engineMode,
            ["SteerLab:WorkerKeys:0"] = WorkerKey,
            ["SteerLab:Admin:Email"] = AdminEmail,
            ["SteerLab:Admin:Password"] = AdminPassword,
            ["SteerLab:BootstrapApiKey"] = BootstrapKey,
            ["SteerLab:InstanceName"] = InstanceName,
            ["SteerLab:Jobs:PollInterval"] = "00:00:00.200",
        };
        if (TestPostgres.IsOn)
        {
            settings["SteerLab:Database:Provider"] = "postgres";
            settings["ConnectionStrings:SteerLab"] = TestPostgres.ConnectionStringFor(DataFolder);
        }
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>()) settings[key] = value;
    }

    public string DataFolder { get; }

    /// <summary>The SQLite file (when the tests run on SQLite).</summary>
    public string DatabaseFile => Path.Combine(DataFolder, "steerlab.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>Every client acts for the first administrator (the bootstrap key) unless a test says otherwise.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BootstrapKey);
    }

    /// <summary>A client with no credentials (it keeps cookies, as a browser does).</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>A client sending <paramref name="key"/>.</summary>
    public HttpClient CreateClientWithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    AsyncServiceScope? adminScope;

    /// <summary>Services acting for the first administrator in the default team (team content is scoped to a caller).
    /// One scope for the server's lifetime.</summary>
    public IServiceProvider AdminServices
    {
        get
        {
            if (adminScope is null)
            {
                var scope = Services.CreateAsyncScope();
                using var db = CreateDbContext();
                var admin = db.Users.Single(u => u.Email == AdminEmail).Id;
                var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, admin.ToString())], "test"));
                scope.ServiceProvider.GetRequiredService<SteerLab.Server.Accounts.TeamScope>().UseRequest(new Microsoft.AspNetCore.Http.DefaultHttpContext { User = user });
                adminScope = scope;
            }
            return adminScope.Value.ServiceProvider;
        }
    }

    /// <summary>A context on the server's database, for arranging and checking rows directly.</summary>
    public SteerLabDbContext CreateDbContext() => Services.GetRequiredService<IDbContextFactory<SteerLabDbContext>>().CreateDbContext();

    /// <summary>The real worker class, connected to this server's hub through the in-memory test server.</summary>
    public EngineWorker CreateWorker(string name, string key = WorkerKey) => new(new EngineWorkerOptions
    {
        ServerUrl = Server.BaseAddress,
        Key = key,
        ModelsRoot = SharedData.ModelRoot,
        Name = name,
        ConfigureConnection = http =>
        {
            http.HttpMessageHandlerFactory = _ => Server.CreateHandler();
            // The test server has no sockets; long polling runs over its in-memory handler.
            http.Transports = HttpTransportType.LongPolling;
        },
    });

    protected override void Dispose(bool disposing)
    {
        if (disposing && adminScope is { } scope) { adminScope = null; scope.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        base.Dispose(disposing);
        if (disposing && ownsDataFolder) TryDelete(DataFolder);
    }

    public override async ValueTask DisposeAsync()
    {
        if (adminScope is { } scope) { adminScope = null; await scope.DisposeAsync(); }
        await base.DisposeAsync();
        if (ownsDataFolder) TryDelete(DataFolder);
    }

    /// <summary>Deletes a data folder and its database.</summary>
    public static void TryDelete(string folder)
    {
        TestPostgres.Drop(folder);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // pooled connections keep the file open
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }
}
