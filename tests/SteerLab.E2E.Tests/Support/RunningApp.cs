using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SteerLab.TestSupport;

namespace SteerLab.E2E.Tests.Support;

/// <summary>The real SteerLab server as a user runs it: its own process (the Release or Debug build next to this test
/// build), on a free loopback port, with a fresh data folder (SQLite file) and no model root configured, so the
/// built-in demo is the model. Its console output is kept for failure messages. A test of durability can kill it hard
/// (<see cref="KillAsync"/>) and start another on the same data folder (<see cref="StartOnAsync"/>).</summary>
public sealed class RunningApp : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();
    readonly bool ownsDataFolder;

    public const string AdminEmail = "admin@steerlab.test";
    public const string AdminPassword = "E2e-admin-password-1";
    /// <summary>Acts for the administrator on /api and /v1 (<see cref="RestApi"/> sends it).</summary>
    public const string ApiKey = "e2e-bootstrap-api-key-0123456789abcdef";

    public Uri BaseUri { get; }
    public string DataFolder { get; }

    RunningApp(Process process, Uri baseUri, string dataFolder, bool ownsDataFolder)
    {
        this.process = process;
        BaseUri = baseUri;
        DataFolder = dataFolder;
        this.ownsDataFolder = ownsDataFolder;
    }

    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>A server on a fresh data folder, deleted when this app is disposed.</summary>
    public static Task<RunningApp> StartAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(Directory.CreateTempSubdirectory("steerlab-e2e-").FullName, ownsDataFolder: true, settings);

    /// <summary>A server on an existing data folder (say, one a killed server left), as a restart finds it; the folder
    /// is left in place when this app is disposed (whoever created it deletes it).</summary>
    public static Task<RunningApp> StartOnAsync(string dataFolder, IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(dataFolder, ownsDataFolder: false, settings);

    static async Task<RunningApp> StartAsync(string dataFolder, bool ownsDataFolder, IReadOnlyDictionary<string, string>? settings)
    {
        string serverDll = ServerAssembly();
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet", [serverDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Development: static web assets (MudBlazor's CSS/JS) are served from the build output's manifest.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["SteerLab__DataFolder"] = dataFolder;
        // The first administrator, whom BrowserSession signs in as.
        start.Environment["SteerLab__Admin__Email"] = AdminEmail;
        start.Environment["SteerLab__Admin__Password"] = AdminPassword;
        start.Environment["SteerLab__BootstrapApiKey"] = ApiKey;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {serverDll}");
        var app = new RunningApp(process, new Uri($"http://127.0.0.1:{port}/"), dataFolder, ownsDataFolder);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await app.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        return app;
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited with code {process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync(BaseUri)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the server did not answer {BaseUri} within {timeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>SteerLab.Server.dll from the build of the same configuration as this test assembly.</summary>
    static string ServerAssembly()
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // …/bin/<Configuration>/net10.0/
        string path = Path.Combine(SharedData.RepositoryRoot, "src", "SteerLab.Server", "bin", configuration, "net10.0", "SteerLab.Server.dll");
        if (!File.Exists(path)) throw new FileNotFoundException($"build the server first: {path} not found", path);
        return path;
    }

    /// <summary>Kills the server and everything it started at once (SIGKILL), as the OOM killer or <c>kill -9</c> would: no
    /// graceful shutdown, no hosted service gets to record anything (the operating system still keeps what was written;
    /// a power cut is not simulated). Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        if (!ownsDataFolder) return;
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { } // SQLite may still hold the file briefly
    }
}
