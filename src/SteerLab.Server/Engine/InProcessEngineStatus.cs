using System.Reflection;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;
using TorchSharp;

namespace SteerLab.Server.Engine;

/// <summary>Reports the engine that runs inside the server process: asks TorchSharp (loading libtorch on
/// first use) which device it can use and how many threads it computes with.</summary>
public sealed class InProcessEngineStatus(ModelRoots roots, ILogger<InProcessEngineStatus> logger)
    : IEngineStatus
{
    private static readonly string TorchSharpVersion =
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString()
        ?? "unknown version";

    public Task<EngineStatusReport> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var modelRoots = roots.Folders;
        try
        {
            // The first TorchSharp call loads the native libraries; a missing or incompatible libtorch throws here.
            var device = torch.cuda.is_available() ? "cuda" : "cpu";
            var threads = torch.get_num_threads();
            var backend = $"TorchSharp {TorchSharpVersion} · libtorch {torch.__version__}";
            return Task.FromResult(new EngineStatusReport(backend, device, threads, modelRoots));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The in-process engine could not start TorchSharp");
            return Task.FromResult(new EngineStatusReport(
                $"TorchSharp {TorchSharpVersion}", Device: null, Threads: null, modelRoots,
                Error: $"TorchSharp could not load libtorch: {ex.Message}"));
        }
    }
}
