using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Shared.Features;

/// <summary>Feature dashboards of a sparse vector's top features (DESIGN §4), computed by a "feature-dashboard" engine job
/// over the texts of the vector's own dataset.</summary>
public interface IFeatureDashboardService
{
    /// <summary>How many of the vector's features (largest |weight| first) a dashboard run describes.</summary>
    const int DefaultFeatures = 10;

    /// <summary>Queues the job for the vector's top <paramref name="features"/> features; when it cannot be queued
    /// (dense vector, no dataset recorded or the dataset is no longer in the library, missing SAE…) says why.</summary>
    Task<FeatureDashboardStart> StartAsync(Guid vectorId, int features = DefaultFeatures, CancellationToken cancellationToken = default);

    Task<JobView?> GetJobAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>False when the job had already finished or does not exist.</summary>
    Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>The latest dashboard job started for the vector in this server's lifetime (results are kept with the
    /// job), so a page opened again shows it without recomputing; null when none.</summary>
    Task<JobView?> GetLatestAsync(Guid vectorId, CancellationToken cancellationToken = default);

    /// <summary>The dashboards of a succeeded job; null otherwise.</summary>
    FeatureDashboardJobResult? ResultOf(JobView job);
}

/// <summary>The queued job, or why nothing was queued.</summary>
public sealed record FeatureDashboardStart(JobView? Job, string? Error)
{
    public bool Started => Job is not null;
}
