using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;

namespace SteerLab.Server.Tests.Support;

/// <summary>The real host over a real SQLite file in a temporary data folder, with ../shared/data as its model root.
/// Give the same <see cref="DataFolder"/> to a second instance to simulate a restart on the same database.</summary>
public sealed class SteerLabServer : WebApplicationFactory<Program>
{
    public const string WorkerKey = "test-worker-key";
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
            ["SteerLab:InstanceName"] = InstanceName,
            ["SteerLab:Jobs:PollInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>()) settings[key] = value;
    }

    public string DataFolder { get; }

    public string DatabaseFile => Path.Combine(DataFolder, "steerlab.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
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
        base.Dispose(disposing);
        if (disposing && ownsDataFolder) TryDelete(DataFolder);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ownsDataFolder) TryDelete(DataFolder);
    }

    public static void TryDelete(string folder)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // pooled connections keep the file open
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }
}
