namespace SteerLab.Shared.Engine;

/// <summary>Runs one engine job somewhere: in the server's process or on a remote worker connected to the engine
/// hub. The job runner does not care which; the scheduler picks a transport per job.</summary>
public interface IEngineTransport
{
    /// <summary>Where jobs run, for the job's record and logs: "in-process" or the worker's name.</summary>
    string Name { get; }

    /// <summary>Runs the job to its end. Progress (and, for generation, each token) is reported as it happens.
    /// Cancelling <paramref name="cancellation"/> asks the engine to stop at its next step; the job then ends with
    /// <see cref="EngineJobStatus.Cancelled"/>. Failures of the job itself come back as
    /// <see cref="EngineJobStatus.Failed"/> with a message.</summary>
    /// <exception cref="EngineLostException">The engine went away before the job finished (a worker disconnected):
    /// the job did not complete and may be run again.</exception>
    Task<EngineJobResult> RunAsync(EngineJobRequest request, IProgress<EngineJobProgress> progress, CancellationToken cancellation);
}
