using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Shared.Reports;

/// <summary>The evaluation report (the engine's <c>report</c> verb) run as a "report" engine job for the caller's team,
/// on the built-in demo or on a model, SAE(s) and library datasets the caller chooses. Starting and cancelling need the Editor role; any member may look.</summary>
public interface IReportService
{
    /// <summary>How many of the team's report jobs <see cref="ListAsync"/> gives.</summary>
    const int RecentJobs = 20;

    /// <summary>Queues a quick (seconds on the demo) or full (about 12 minutes on 2 cores for the demo) report; when it
    /// cannot be queued says why. Throws TeamAccessDeniedException when the caller may not start jobs (below Editor),
    /// JobQuotaExceededException when the team has too many jobs queued.</summary>
    Task<ReportStart> StartAsync(ReportRequest request, CancellationToken cancellationToken = default);

    /// <summary>The team's report job, or null (unknown, another team's, or not a report).</summary>
    Task<JobView?> GetAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>The team's newest report jobs first, without their results.</summary>
    Task<IReadOnlyList<ReportJobSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>False when the job had already finished or does not exist.</summary>
    Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>The report of a succeeded job; null otherwise.</summary>
    ReportJobResult? ResultOf(JobView job);
}

/// <summary>What to report on: the built-in demo when <paramref name="Model"/> is null, else a model under the roots with
/// its SAE(s) (names under the roots, one hook) and the team's contrastive datasets by id.</summary>
public sealed record ReportRequest(bool Quick, string? Model = null, string[]? Saes = null, Guid[]? DatasetIds = null);

/// <summary>The queued job, or why nothing was queued.</summary>
public sealed record ReportStart(JobView? Job, string? Error)
{
    public bool Started => Job is not null;
}

/// <summary>A report job in the team's list (its result stays with the job: open it to read the report).</summary>
/// <param name="Inputs">What it reports on: "built-in demo", or the model, SAE(s) and datasets.</param>
public sealed record ReportJobSummary(Guid Id, JobState State, bool Quick, double Progress, string? Message, string? Error,
    DateTime CreatedAt, DateTime? FinishedAt, string Inputs = "built-in demo");
