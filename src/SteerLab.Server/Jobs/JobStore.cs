using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Server.Data;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Jobs;

/// <summary>The persisted queue: every change of a job's state goes through here, as a conditional update on the
/// job's current state and attempt, so two parties (the scheduler, a late engine answer, another server instance)
/// can never both move the same job. Each change is also published to <see cref="JobUpdates"/>.</summary>
public sealed class JobStore(
    IDbContextFactory<SteerLabDbContext> contexts,
    JobUpdates updates,
    JobKindCatalog kinds,
    RunningJobCancellations running,
    IOptions<SteerLabOptions> options,
    TimeProvider time)
{
    const int MaxMessageLength = 1000;
    const int MaxErrorLength = 4000;

    /// <summary>This server instance's name in job records.</summary>
    public string InstanceName => ConfiguredInstanceName ?? Environment.MachineName;

    string? ConfiguredInstanceName => string.IsNullOrWhiteSpace(options.Value.InstanceName) ? null : options.Value.InstanceName;

    DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Queues a job for <paramref name="teamId"/>, the team that started it (only its members see it).</summary>
    /// <exception cref="JobQuotaExceededException">The team has SteerLab:Limits:MaxQueuedJobsPerTeam jobs waiting already.</exception>
    public Task<Job> CreateAsync(string kind, string parametersJson, string? model, Guid teamId, CancellationToken cancellation) =>
        CreateAsync(kind, parametersJson, model, teamId, alongside: null, cancellation);

    /// <summary>Queues a job as <see cref="CreateAsync(string, string, string?, Guid, CancellationToken)"/> does, and lets
    /// <paramref name="alongside"/> add rows that must exist exactly when the job does (an evaluation run's row) to the
    /// same SaveChanges, hence the same transaction: a fast job can never finish before they exist, and a refused job
    /// (quota) leaves none of them behind.</summary>
    /// <exception cref="JobQuotaExceededException">The team has SteerLab:Limits:MaxQueuedJobsPerTeam jobs waiting already.</exception>
    public async Task<Job> CreateAsync(string kind, string parametersJson, string? model, Guid teamId, Action<SteerLabDbContext, Job>? alongside,
        CancellationToken cancellation)
    {
        var job = new Job { Id = Guid.NewGuid(), TeamId = teamId, Kind = kind, Model = model, ParametersJson = parametersJson, State = JobState.Queued, Message = "queued", CreatedAt = Now };
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        // Checked, not locked: two requests at the same moment may both pass, which bounds the queue all the same.
        int maxQueued = options.Value.Limits.MaxQueuedJobsPerTeam;
        if (await db.Jobs.CountAsync(j => j.TeamId == teamId && j.State == JobState.Queued, cancellation) >= maxQueued)
            throw new JobQuotaExceededException($"the team already has {maxQueued} jobs waiting ({Limits.LimitOptions.SectionName}:MaxQueuedJobsPerTeam); " +
                "wait for some to start, or cancel some");
        db.Jobs.Add(job);
        alongside?.Invoke(db, job);
        await db.SaveChangesAsync(cancellation);
        Publish(job);
        return job;
    }

    public async Task<Job?> FindAsync(Guid id, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        return await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellation);
    }

    /// <summary>The job when it belongs to <paramref name="teamId"/>; another team's job is not found.</summary>
    public async Task<Job?> FindInTeamAsync(Guid id, Guid teamId, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        return await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.TeamId == teamId, cancellation);
    }

    /// <summary>The team's newest jobs first.</summary>
    public async Task<IReadOnlyList<Job>> ListAsync(Guid teamId, JobState? state, int take, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var query = db.Jobs.AsNoTracking().Where(j => j.TeamId == teamId);
        if (state is { } wanted) query = query.Where(j => j.State == wanted);
        return await query.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Take(take).ToListAsync(cancellation);
    }

    /// <summary>The queued jobs that may start now, in the order the scheduler offers them to engines: fair between
    /// teams. A job's load is how many of its team's jobs are running plus how many are queued before it. Jobs whose
    /// load has reached <paramref name="maxRunningPerTeam"/> wait; the others go by load, then age — every team's next
    /// job before any team's second-next, so a team with a long queue holds back nobody else, and one team alone gets
    /// its jobs oldest first.</summary>
    public async Task<IReadOnlyList<Job>> ListStartableAsync(int take, int maxRunningPerTeam, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var startable = await db.Jobs.AsNoTracking().Where(j => j.State == JobState.Queued)
            .Select(j => new
            {
                Job = j,
                Load = db.Jobs.Count(o => o.TeamId == j.TeamId
                    && (o.State == JobState.Running || (o.State == JobState.Queued && o.CreatedAt < j.CreatedAt))),
            })
            .Where(ranked => ranked.Load < maxRunningPerTeam)
            .OrderBy(ranked => ranked.Load).ThenBy(ranked => ranked.Job.CreatedAt).ThenBy(ranked => ranked.Job.Id)
            .Take(take).ToListAsync(cancellation);
        return startable.Select(ranked => ranked.Job).ToList();
    }

    /// <summary>Moves a queued job to Running on <paramref name="workerId"/>; returns its attempt number, or null when
    /// the job is no longer queued (cancelled meanwhile, or taken by another server instance).</summary>
    public async Task<int?> TryClaimAsync(Guid id, string workerId, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var now = Now;
        int claimed = await db.Jobs.Where(j => j.Id == id && j.State == JobState.Queued).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.State, JobState.Running)
            .SetProperty(j => j.Attempts, j => j.Attempts + 1)
            .SetProperty(j => j.WorkerId, workerId)
            .SetProperty(j => j.ServerInstance, InstanceName)
            .SetProperty(j => j.StartedAt, now)
            .SetProperty(j => j.Progress, 0.0)
            .SetProperty(j => j.Message, $"started on {workerId}"), cancellation);
        if (claimed == 0) return null;
        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id, cancellation);
        Publish(job);
        return job.Attempts;
    }

    /// <summary>Records a running job's progress; returns whether a cancellation has been requested (possibly through
    /// another server instance).</summary>
    public async Task<bool> SaveProgressAsync(Guid id, int attempt, double progress, string? message, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        string? text = Truncate(message, MaxMessageLength);
        await db.Jobs.Where(j => j.Id == id && j.State == JobState.Running && j.Attempts == attempt).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.Progress, Math.Clamp(progress, 0, 1))
            .SetProperty(j => j.Message, text), cancellation);
        return await db.Jobs.Where(j => j.Id == id).Select(j => j.CancelRequested).FirstOrDefaultAsync(cancellation);
    }

    /// <summary>Writes the engine's answer — the result and the final state together, in one transaction. False when the
    /// run is stale (the job was re-queued or finished meanwhile), in which case nothing is written.</summary>
    public async Task<bool> CompleteAsync(Guid id, int attempt, EngineJobResult result, CancellationToken cancellation)
    {
        if (result.Status == EngineJobStatus.Cancelled)
            throw new ArgumentException("a cancelled run is recorded with ReturnToQueueAsync, which knows whether a person asked for it");
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == id && j.State == JobState.Running && j.Attempts == attempt, cancellation);
        if (job is null) return false;
        job.FinishedAt = Now;
        if (result.Status == EngineJobStatus.Succeeded)
        {
            job.State = JobState.Succeeded;
            job.ResultJson = result.ResultJson;
            job.Progress = 1;
            job.Message = "done";
            job.Error = null;
            if (kinds.Find(job.Kind) is { } kind && result.ResultJson is not null)
                await kind.PersistResultAsync(db, job, result.ResultJson, cancellation);
        }
        else
        {
            job.State = JobState.Failed;
            job.Error = Truncate(result.Error ?? "the engine reported a failure without a message", MaxErrorLength);
            job.Message = "failed";
        }
        await db.SaveChangesAsync(cancellation);
        await transaction.CommitAsync(cancellation);
        Publish(job);
        return true;
    }

    /// <summary>Ends a run that did not finish: its engine was lost, it stopped without a result, or the server stopped.
    /// The job is Cancelled if a person asked for that; otherwise re-queued when its kind is safe to repeat and
    /// attempts remain; otherwise it ends in <paramref name="giveUpState"/> with <paramref name="reason"/>. Returns the
    /// job's new state, or null when the run was stale.</summary>
    /// <param name="serverStopping">This process is going away, and with it whoever read the job live.</param>
    public async Task<JobState?> ReturnToQueueAsync(Guid id, int attempt, string reason, JobState giveUpState, CancellationToken cancellation,
        bool serverStopping = false)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == id && j.State == JobState.Running && j.Attempts == attempt, cancellation);
        if (job is null) return null;
        Requeue(job, reason, giveUpState, serverStopping);
        await db.SaveChangesAsync(cancellation);
        Publish(job);
        return job.State;
    }

    /// <summary>After a restart: every job this instance left Running is re-queued or marked (never left Running, never
    /// dropped). Without a configured <c>SteerLab:InstanceName</c> the server assumes it is the only instance and
    /// recovers every Running job (a container's machine name changes with each restart). Returns how many were found.</summary>
    public async Task<int> RecoverInterruptedAsync(CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        string? instance = ConfiguredInstanceName;
        var orphans = await db.Jobs.Where(j => j.State == JobState.Running && (instance == null || j.ServerInstance == instance || j.ServerInstance == null))
            .ToListAsync(cancellation);
        foreach (var job in orphans)
            Requeue(job, $"the server stopped while attempt {job.Attempts} was running", JobState.Interrupted, serverStopping: true);
        await db.SaveChangesAsync(cancellation);
        foreach (var job in orphans) Publish(job);
        return orphans.Count;
    }

    /// <summary>Cancels a queued job at once; asks a running one to stop (it ends Cancelled when its engine confirms).
    /// With <paramref name="teamId"/>, another team's job is not found.</summary>
    public async Task<CancelOutcome> RequestCancelAsync(Guid id, CancellationToken cancellation, Guid? teamId = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        if (teamId is { } team && !await db.Jobs.AnyAsync(j => j.Id == id && j.TeamId == team, cancellation))
            return new CancelOutcome(CancelOutcomeKind.NotFound, null);
        var now = Now;
        int cancelledQueued = await db.Jobs.Where(j => j.Id == id && j.State == JobState.Queued).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.State, JobState.Cancelled)
            .SetProperty(j => j.CancelRequested, true)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.Message, "cancelled before it started"), cancellation);
        int flaggedRunning = cancelledQueued > 0 ? 0 : await db.Jobs.Where(j => j.Id == id && j.State == JobState.Running)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.CancelRequested, true).SetProperty(j => j.Message, "cancelling"), cancellation);
        if (flaggedRunning > 0) running.Cancel(id);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellation);
        if (job is null) return new CancelOutcome(CancelOutcomeKind.NotFound, null);
        if (cancelledQueued + flaggedRunning == 0) return new CancelOutcome(CancelOutcomeKind.AlreadyFinished, job);
        Publish(job);
        return new CancelOutcome(CancelOutcomeKind.Accepted, job);
    }

    /// <param name="serverStopping">The run ended with its server process: readers that streamed it are gone too.</param>
    void Requeue(Job job, string reason, JobState giveUpState, bool serverStopping = false)
    {
        int maxAttempts = options.Value.Jobs.MaxAttempts;
        if (job.CancelRequested)
        {
            job.State = JobState.Cancelled;
            job.Message = "cancelled";
            job.FinishedAt = Now;
        }
        else if (!kinds.IsIdempotent(job.Kind))
            GiveUp(job, reason, giveUpState, $"jobs of kind '{job.Kind}' are not re-run automatically: start it again if you want it");
        else if (serverStopping && !kinds.RunAgainAfterRestart(job.Kind, job.ParametersJson))
            GiveUp(job, reason, giveUpState, "it was streamed to a reader that went with the server, so it is not run again");
        else if (job.Attempts >= maxAttempts)
        {
            job.State = giveUpState;
            job.Error = Truncate($"gave up after {job.Attempts} attempts; the last one ended because {reason}", MaxErrorLength);
            job.Message = Truncate(reason, MaxMessageLength);
            job.FinishedAt = Now;
        }
        else
        {
            job.State = JobState.Queued;
            job.Progress = 0;
            job.Message = Truncate($"re-queued: {reason}", MaxMessageLength);
        }
    }

    void GiveUp(Job job, string reason, JobState state, string why)
    {
        job.State = state;
        job.Error = Truncate($"{reason}; {why}", MaxErrorLength);
        job.Message = Truncate(reason, MaxMessageLength);
        job.FinishedAt = Now;
    }

    void Publish(Job job) => updates.Publish(new JobUpdate(job.Id, job.State, job.Progress, job.Message));

    static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}

public enum CancelOutcomeKind { Accepted, AlreadyFinished, NotFound }

/// <summary>What a cancel request did, with the job as it is now.</summary>
public sealed record CancelOutcome(CancelOutcomeKind Kind, Job? Job);
