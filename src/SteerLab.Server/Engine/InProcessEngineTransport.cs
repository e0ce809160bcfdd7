using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Engine;

/// <summary>Runs jobs in the server's own process, with the same executor remote workers use.</summary>
public sealed class InProcessEngineTransport(EngineJobExecutor executor) : IEngineTransport
{
    public const string WorkerName = "in-process";

    public string Name => WorkerName;

    public Task<EngineJobResult> RunAsync(EngineJobRequest request, IProgress<EngineJobProgress> progress, CancellationToken cancellation) =>
        executor.ExecuteAsync(request, progress.Report, cancellation);
}
