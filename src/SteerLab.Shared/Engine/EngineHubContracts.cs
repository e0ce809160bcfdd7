namespace SteerLab.Shared.Engine;

/// <summary>What the server calls on a connected engine worker (the typed client of the engine hub).</summary>
public interface IEngineWorkerClient
{
    /// <summary>Start a job. The worker answers with <see cref="IEngineHub.ReportProgress"/> while it runs and
    /// exactly one <see cref="IEngineHub.CompleteJob"/> at its end.</summary>
    Task RunJob(EngineJobRequest request);

    /// <summary>Stop a running job at its next step; the worker still completes it, as cancelled.</summary>
    Task CancelJob(Guid jobId);
}

/// <summary>What an engine worker calls on the server's engine hub (<see cref="EngineHubRoutes.Path"/>).</summary>
public interface IEngineHub
{
    /// <summary>Announces what the worker can run; the server schedules nothing to a worker before this.</summary>
    Task<WorkerRegistered> Register(WorkerRegistration registration);

    Task ReportProgress(EngineJobProgress progress);

    Task CompleteJob(EngineJobResult result);
}

/// <summary>A worker's announcement.</summary>
/// <param name="Name">A name for people and the jobs' records ("gpu-box-1").</param>
/// <param name="Models">The models it can load, as paths relative to its model root (the same names jobs use).</param>
/// <param name="Capacity">How many jobs it runs at once.</param>
public sealed record WorkerRegistration(string Name, IReadOnlyList<string> Models, int Capacity);

/// <summary>The server's answer to a registration.</summary>
/// <param name="WorkerId">How the server names this connection in job records.</param>
public sealed record WorkerRegistered(string WorkerId);

public static class EngineHubRoutes
{
    public const string Path = "/hubs/engine";
}
