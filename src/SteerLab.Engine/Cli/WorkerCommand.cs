using System.CommandLine;
using Microsoft.Extensions.Logging;
using SteerLab.Engine.Worker;

namespace SteerLab.Engine.Cli;

/// <summary><c>worker --server URL --key KEY [--models-root DIR] [--name NAME] [--capacity N] [--dtype f32|bf16]</c>:
/// serves a SteerLab server as a remote engine until stopped (Ctrl+C), reconnecting when the connection drops.</summary>
static class WorkerCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The SteerLab server's address, e.g. http://steerlab:8080", Required = true };
        var key = new Option<string>("--key") { Description = "A worker key from the server's SteerLab:WorkerKeys (or set STEERLAB_WORKER_KEY)" };
        var modelsRoot = new Option<DirectoryInfo>("--models-root") { Description = "Folder holding the models to serve", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var name = new Option<string>("--name") { Description = "Name shown in the server's job records", DefaultValueFactory = _ => Environment.MachineName };
        var capacity = new Option<int>("--capacity") { Description = "Jobs run at once", DefaultValueFactory = _ => 1 };
        var dtype = new Option<string>("--dtype") { Description = "Weight type: f32 or bf16", DefaultValueFactory = _ => "f32" };
        var command = new Command("worker", "Serve a SteerLab server as a remote engine worker") { server, key, modelsRoot, name, capacity, dtype };
        command.SetAction(async (parse, cancellation) =>
        {
            var serverUrl = ParseServer(parse.GetValue(server)!);
            string workerKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable("STEERLAB_WORKER_KEY")
                ?? throw new ArgumentException("give the worker key with --key or the STEERLAB_WORKER_KEY environment variable");
            var root = parse.GetValue(modelsRoot)!;
            if (!root.Exists) throw new ArgumentException($"--models-root {root.FullName} does not exist");
            var options = new EngineWorkerOptions
            {
                ServerUrl = serverUrl,
                Key = workerKey,
                ModelsRoot = root.FullName,
                Name = parse.GetValue(name)!,
                Capacity = parse.GetValue(capacity),
                WeightType = CliDTypes.Parse(parse.GetValue(dtype)!),
            };
            await using var worker = new EngineWorker(options, new StderrLogger());
            await worker.RunAsync(cancellation);
            return 0;
        });
        return command;
    }

    static Uri ParseServer(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"--server must be an http:// or https:// address, not '{text}'");

    /// <summary>One line per event on stderr; enough for a service's journal without a logging framework.</summary>
    sealed class StderrLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string line = $"{DateTime.Now:HH:mm:ss} {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}";
            Console.Error.WriteLine(exception is null ? line : $"{line} ({exception.Message})");
        }
    }
}
