using System.Text.Json;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>Runs engine jobs by kind. The same code serves the server's in-process engine and remote workers, so a
/// job gives the same result wherever it runs. A job's own failure (bad model, bad parameters, a malformed file)
/// becomes a <see cref="EngineJobStatus.Failed"/> result with a message; it never escapes as an exception.</summary>
public sealed class EngineJobExecutor(ModelRoots roots, LoadedModels models)
{
    public static IReadOnlyList<string> KnownKinds { get; } = [EngineJobKinds.Generate, EngineJobKinds.BuildVector, EngineJobKinds.Sweep, EngineJobKinds.FeatureDashboard, EngineJobKinds.OpenEnded, EngineJobKinds.SideEffects, EngineJobKinds.Report];

    /// <summary>Runs the job on the calling thread. <paramref name="progress"/> is called on that thread.</summary>
    public EngineJobResult Execute(EngineJobRequest request, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        try
        {
            cancellation.ThrowIfCancellationRequested();
            string resultJson = request.Kind switch
            {
                EngineJobKinds.Generate => GenerateJobRunner.Run(request, roots, models, progress, cancellation),
                EngineJobKinds.BuildVector => BuildVectorJobRunner.Run(request, roots, models, progress, cancellation),
                EngineJobKinds.Sweep => SweepJobRunner.Run(request, roots, models, progress, cancellation),
                EngineJobKinds.FeatureDashboard => FeatureDashboardJobRunner.Run(request, roots, models, progress, cancellation),
                EngineJobKinds.OpenEnded => OpenEndedJobRunner.Run(request, roots, models, progress, cancellation),
                EngineJobKinds.SideEffects => SideEffectsJobRunner.Run(request, roots, models, progress, cancellation),
                EngineJobKinds.Report => ReportJobRunner.Run(request, roots, progress, cancellation),
                _ => throw new NotSupportedException($"this engine does not run jobs of kind '{request.Kind}' (it runs: {string.Join(", ", KnownKinds)})"),
            };
            return new EngineJobResult(request.JobId, EngineJobStatus.Succeeded, resultJson);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return new EngineJobResult(request.JobId, EngineJobStatus.Cancelled, Error: "cancelled");
        }
        catch (Exception e)
        {
            return new EngineJobResult(request.JobId, EngineJobStatus.Failed, Error: Describe(e));
        }
    }

    /// <summary>Runs the job on a thread of its own (a job can run for minutes; it should not hold a pool thread).</summary>
    public Task<EngineJobResult> ExecuteAsync(EngineJobRequest request, Action<EngineJobProgress> progress, CancellationToken cancellation) =>
        Task.Factory.StartNew(() => Execute(request, progress, cancellation), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Problems a user can fix are shown as their message; anything else also names its type, which helps a
    /// bug report.</summary>
    static string Describe(Exception e) => e switch
    {
        ArgumentException or FormatException or IOException or UnauthorizedAccessException or NotSupportedException or JsonException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
