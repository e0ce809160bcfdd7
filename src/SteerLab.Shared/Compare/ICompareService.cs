using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Shared.Compare;

/// <summary>The Compare page's server: overlap heat maps of library vectors (computed at once, CPU only), and A/B
/// λ-sweeps of vectors on a saved A/B dataset, run as "sweep" jobs (DESIGN §5 Overlap, §6 A/B sweep).</summary>
public interface ICompareService
{
    /// <summary>The most vectors one heat map or sweep takes.</summary>
    public const int MaxVectors = 24;

    /// <summary>Pairwise overlap of the vectors, in the order given.</summary>
    /// <exception cref="ArgumentException">No ids, too many, or an id the library does not hold (the message names it).</exception>
    Task<OverlapView> OverlapAsync(IReadOnlyList<Guid> vectorIds, OverlapSupport support = OverlapSupport.All, CancellationToken cancellationToken = default);

    /// <summary>Validates the request and queues a sweep job; invalid requests come back with errors by field.</summary>
    Task<SweepStart> StartSweepAsync(SweepRequest request, CancellationToken cancellationToken = default);

    /// <summary>The sweep job; null when there is no sweep job with that id.</summary>
    Task<JobView?> GetSweepAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>Asks the job to stop; false when it had already finished or does not exist.</summary>
    Task<bool> CancelSweepAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>The curves of a sweep job that has succeeded; null before that.</summary>
    SweepJobResult? SweepResult(JobView job);
}
