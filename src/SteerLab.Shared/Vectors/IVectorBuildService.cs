using SteerLab.Shared.Jobs;

namespace SteerLab.Shared.Vectors;

/// <summary>Starts vector builds from saved datasets as jobs, and follows them (the vector page's build dialog and
/// <c>POST /api/vectors/build</c>).</summary>
public interface IVectorBuildService
{
    /// <summary>Validates the request and queues the job; invalid requests come back with errors by field.</summary>
    Task<VectorBuildStart> StartAsync(VectorBuildRequest request, CancellationToken cancellationToken = default);

    Task<JobView?> GetJobAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>Asks the job to stop; false when it had already finished or does not exist.</summary>
    Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>The built vector's id in the library, once the job has succeeded.</summary>
    Guid? BuiltVectorId(JobView job);
}

/// <summary>The body of <c>POST /api/vectors/build</c>: a saved dataset and how to build from it.</summary>
/// <param name="Method">"caa", "topk_enr", "sas" or "sae_ts".</param>
/// <param name="ReadPosition">"answer", "last-prompt" or "completion-mean".</param>
/// <param name="Sae">SAE folder relative to a model root (SAS, SAE-TS).</param>
public sealed record VectorBuildRequest(
    Guid DatasetId,
    string Model,
    string Method,
    string Hook,
    string ReadPosition = "completion-mean",
    double Tau = 0.7,
    bool RemoveCommonFeatures = true,
    int K = 64,
    string? Sae = null,
    string? Name = null);

/// <summary>The queued job, or why nothing was queued (errors by field name, as ValidationProblem writes them).</summary>
public sealed record VectorBuildStart(JobView? Job, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Started => Job is not null;
}
