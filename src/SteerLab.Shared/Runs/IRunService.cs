namespace SteerLab.Shared.Runs;

/// <summary>The Runs pages' server: evaluation runs of library vectors (DESIGN §6) — started, listed, shown with their
/// results and provenance, re-run, cancelled, exported; blind team review and judge–human agreement. Reading needs
/// any team role; starting, re-running and cancelling need editor; reviewing needs reviewer.</summary>
public interface IRunService
{
    Task<RunStart> StartAsync(RunRequest request, CancellationToken cancellationToken = default);

    /// <summary>The team's runs, newest first.</summary>
    Task<IReadOnlyList<RunSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Null when the team has no run with that id.</summary>
    Task<RunView?> GetAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>Starts a new run from the stored request of <paramref name="runId"/> (the library's vectors and datasets
    /// as they are now; the new run's provenance says if their hashes changed).</summary>
    Task<RunStart> RerunAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>Stops the engine job and any judging; false when there was nothing to stop.</summary>
    Task<bool> CancelAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>An open-ended run's answers with their judgements, in (series, question, λ) order.</summary>
    Task<IReadOnlyList<RunAnswerView>> AnswersAsync(Guid runId, int skip = 0, int take = 200, CancellationToken cancellationToken = default);

    /// <summary>The run as a file: "json" (request, provenance, results, every answer and judgement) or "csv" (one row
    /// per result point, or per answer × item for open-ended runs). Null when there is no such run.</summary>
    Task<RunExport?> ExportAsync(Guid runId, string format, CancellationToken cancellationToken = default);

    /// <summary>The caller's next answer to score blind; null when they have scored everything (or the run has no answers).</summary>
    Task<ReviewItem?> NextReviewItemAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>Records (or replaces) the caller's score; errors by field when the score or item is not valid.</summary>
    Task<IReadOnlyDictionary<string, string[]>> SubmitReviewAsync(Guid runId, ReviewScoreRequest review, CancellationToken cancellationToken = default);

    /// <summary>Null when there is no such run or it is not an open-ended run.</summary>
    Task<AgreementView?> AgreementAsync(Guid runId, CancellationToken cancellationToken = default);
}

/// <summary>An exported run.</summary>
public sealed record RunExport(string FileName, string ContentType, byte[] Content);
