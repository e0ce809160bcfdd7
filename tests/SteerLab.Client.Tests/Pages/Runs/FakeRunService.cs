using System.Text;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>A run service that answers what the test tells it to and records what the pages asked of it.</summary>
internal sealed class FakeRunService : IRunService
{
    public List<RunSummary> Runs { get; } = [];
    /// <summary>What each GetAsync of a run answers, in turn (the last one repeats); else <see cref="Views"/>.</summary>
    public Dictionary<Guid, Queue<RunView>> ViewSequence { get; } = [];
    public Dictionary<Guid, RunView> Views { get; } = [];
    public List<RunRequest> Started { get; } = [];
    public Dictionary<string, string[]> StartErrors { get; } = [];
    public Exception? ListFailure { get; set; }
    public List<Guid> Cancelled { get; } = [];
    public List<Guid> Rerun { get; } = [];
    public Guid RerunId { get; set; } = Guid.NewGuid();
    public List<RunAnswerView> Answers { get; } = [];
    /// <summary>The review items NextReviewItemAsync hands out, in turn; null once they are gone.</summary>
    public Queue<ReviewItem> ReviewItems { get; } = new();
    public List<ReviewScoreRequest> Reviews { get; } = [];
    public Dictionary<string, string[]> ReviewErrors { get; } = [];
    public AgreementView? Agreement { get; set; }
    public int GetCalls { get; private set; }

    public Task<RunStart> StartAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        Started.Add(request);
        return Task.FromResult(StartErrors.Count > 0 ? new RunStart(null, StartErrors) : new RunStart(Summary("started", request.Kind), new Dictionary<string, string[]>()));
    }

    public Task<IReadOnlyList<RunSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        ListFailure is not null ? throw ListFailure : Task.FromResult<IReadOnlyList<RunSummary>>(Runs.ToList());

    public Task<RunView?> GetAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        GetCalls++;
        if (ViewSequence.TryGetValue(runId, out var queue) && queue.Count > 0)
            return Task.FromResult<RunView?>(queue.Count > 1 ? queue.Dequeue() : queue.Peek());
        return Task.FromResult(Views.GetValueOrDefault(runId));
    }

    public Task<RunStart> RerunAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        Rerun.Add(runId);
        return Task.FromResult(new RunStart(Summary("re-run", RunKinds.AbSweep) with { Id = RerunId, RerunOf = runId }, new Dictionary<string, string[]>()));
    }

    public Task<bool> CancelAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        Cancelled.Add(runId);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<RunAnswerView>> AnswersAsync(Guid runId, int skip = 0, int take = 200, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RunAnswerView>>(Answers.Skip(skip).Take(take).ToList());

    public Task<RunExport?> ExportAsync(Guid runId, string format, CancellationToken cancellationToken = default) =>
        Task.FromResult<RunExport?>(new RunExport($"run.{format}", "text/plain", Encoding.UTF8.GetBytes("x")));

    public Task<ReviewItem?> NextReviewItemAsync(Guid runId, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReviewItems.TryPeek(out var item) ? item : null);

    public Task<IReadOnlyDictionary<string, string[]>> SubmitReviewAsync(Guid runId, ReviewScoreRequest review, CancellationToken cancellationToken = default)
    {
        Reviews.Add(review);
        if (ReviewErrors.Count == 0 && ReviewItems.Count > 0) ReviewItems.Dequeue();
        return Task.FromResult<IReadOnlyDictionary<string, string[]>>(new Dictionary<string, string[]>(ReviewErrors));
    }

    public Task<AgreementView?> AgreementAsync(Guid runId, CancellationToken cancellationToken = default) => Task.FromResult(Agreement);

    public static RunSummary Summary(string name, string kind, JobState state = JobState.Succeeded, RunJudgingState? judging = null,
        double progress = 1, string? message = null, string? error = null) =>
        new(Guid.NewGuid(), kind, name, "steerlab-brown-demo", Guid.NewGuid(), state, progress, message, error, judging,
            new DateTime(2026, 11, 24, 9, 30, 0, DateTimeKind.Utc), "ada@lab.test", ["romance CAA", "romance SAS"], null);
}
