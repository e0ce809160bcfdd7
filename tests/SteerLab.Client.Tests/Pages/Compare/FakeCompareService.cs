using System.Text.Json;
using SteerLab.Shared.Compare;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Client.Tests.Pages.Compare;

/// <summary>A compare service that answers what the test tells it to and records what the page asked.</summary>
internal sealed class FakeCompareService : ICompareService
{
    public Func<IReadOnlyList<Guid>, OverlapSupport, OverlapView> Overlap { get; set; } = (_, _) => throw new InvalidOperationException("no overlap set up");
    public List<(IReadOnlyList<Guid> Ids, OverlapSupport Support)> OverlapRequests { get; } = [];
    public List<SweepRequest> SweepRequests { get; } = [];
    public Dictionary<string, string[]> SweepErrors { get; } = [];
    /// <summary>What each GetSweepAsync answers, in turn (the last one repeats).</summary>
    public Queue<JobView> SweepStates { get; } = new();
    public SweepJobResult? Result { get; set; }
    public List<Guid> Cancelled { get; } = [];

    public Task<OverlapView> OverlapAsync(IReadOnlyList<Guid> vectorIds, OverlapSupport support = OverlapSupport.All, CancellationToken cancellationToken = default)
    {
        OverlapRequests.Add((vectorIds.ToList(), support));
        return Task.FromResult(Overlap(vectorIds, support));
    }

    public Task<SweepStart> StartSweepAsync(SweepRequest request, CancellationToken cancellationToken = default)
    {
        SweepRequests.Add(request);
        return Task.FromResult(SweepErrors.Count > 0 ? new SweepStart(null, SweepErrors) : new SweepStart(Job(JobState.Queued, 0), new Dictionary<string, string[]>()));
    }

    public Task<JobView?> GetSweepAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult<JobView?>(SweepStates.Count > 1 ? SweepStates.Dequeue() : SweepStates.TryPeek(out var last) ? last : null);

    public Task<bool> CancelSweepAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        Cancelled.Add(jobId);
        return Task.FromResult(true);
    }

    public SweepJobResult? SweepResult(JobView job) => job.State == JobState.Succeeded ? Result : null;

    public static readonly Guid JobId = Guid.NewGuid();

    public static JobView Job(JobState state, double progress, string? message = null, string? error = null) =>
        new(JobId, EngineJobKinds.Sweep, "steerlab-brown-demo", state, progress, message, error, 1, "in-process", false,
            DateTime.UtcNow, null, null, JsonDocument.Parse("{}").RootElement, null);
}
