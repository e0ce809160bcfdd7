using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Server.Data;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Judges;

/// <summary>One (answer, rubric item) of a run still without a judgement.</summary>
public sealed record PendingJudgement(long AnswerId, string Question, string Answer, string Item);

public enum JudgementSaveOutcome
{
    Saved,
    /// <summary>The (answer, item) was judged already (by an earlier pass that stopped after its insert): nothing added.</summary>
    AlreadyJudged,
    /// <summary>The answer no longer exists: the run was deleted.</summary>
    AnswerGone,
}

/// <summary>The judging phase's rows: every change of a run's <see cref="EvaluationRun.JudgingState"/> made here is a
/// conditional update on the state and (while Running) on the server instance that claimed it — the same discipline as
/// <see cref="JobStore"/> — so two instances never judge one run, and a run cancelled by a person (RunService sets
/// Cancelled) is never moved back.</summary>
public sealed class RunJudgingStore(IDbContextFactory<SteerLabDbContext> contexts, JobStore jobs, IOptions<SteerLabOptions> options, TimeProvider time)
{
    const int MaxMessageLength = 1000;
    const int MaxRawTextLength = 4096;
    const int MaxDetailLength = 1000;
    const int MaxJudgeNameLength = 300;

    /// <summary>This server instance's name, as job records carry it.</summary>
    public string InstanceName => jobs.InstanceName;

    DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>After a restart: the runs this instance left Running (or, without a configured
    /// <c>SteerLab:InstanceName</c>, every run left Running, as the job recovery assumes a single instance) go back to
    /// Queued, to be resumed from their first unjudged (answer, item). Returns how many.</summary>
    public async Task<int> RecoverInterruptedAsync(CancellationToken cancellation)
    {
        string? configured = string.IsNullOrWhiteSpace(options.Value.InstanceName) ? null : options.Value.InstanceName;
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        return await db.Runs.Where(r => r.JudgingState == RunJudgingState.Running
                && (configured == null || r.JudgingServerInstance == configured || r.JudgingServerInstance == null))
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.JudgingState, RunJudgingState.Queued)
                .SetProperty(r => r.JudgingServerInstance, (string?)null)
                .SetProperty(r => r.JudgingMessage, "queued again: the server stopped while judging; resuming where it stopped"), cancellation);
    }

    /// <summary>The oldest runs waiting to be judged.</summary>
    public async Task<IReadOnlyList<Guid>> ListQueuedAsync(int take, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        return await db.Runs.AsNoTracking().Where(r => r.JudgingState == RunJudgingState.Queued)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Id).Take(take).ToListAsync(cancellation);
    }

    /// <summary>Queued → Running on this instance; false when the run is no longer queued (cancelled, or claimed by
    /// another instance).</summary>
    public async Task<bool> TryClaimAsync(Guid runId, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        string instance = InstanceName;
        return await db.Runs.Where(r => r.Id == runId && r.JudgingState == RunJudgingState.Queued).ExecuteUpdateAsync(set => set
            .SetProperty(r => r.JudgingState, RunJudgingState.Running)
            .SetProperty(r => r.JudgingServerInstance, instance)
            .SetProperty(r => r.JudgingMessage, "judging started"), cancellation) > 0;
    }

    /// <summary>The run and its judge setting (null when the setting was deleted).</summary>
    public async Task<(EvaluationRun Run, JudgeSetting? Setting)?> LoadAsync(Guid runId, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, cancellation);
        if (run is null) return null;
        var setting = run.JudgeSettingId is { } id
            ? await db.JudgeSettings.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.TeamId == run.TeamId, cancellation)
            : null;
        return (run, setting);
    }

    /// <summary>Every (answer, item) of the run without a judgement, in answer order, behaviour before coherence; and
    /// how many judgements the run needs in all.</summary>
    public async Task<(IReadOnlyList<PendingJudgement> Pending, int Total)> PendingAsync(Guid runId, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var answers = await db.RunAnswers.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.Question, a.Text }).ToListAsync(cancellation);
        var done = (await db.RunJudgements.AsNoTracking().Where(j => j.RunId == runId).Select(j => new { j.AnswerId, j.Item }).ToListAsync(cancellation))
            .Select(j => (j.AnswerId, j.Item)).ToHashSet();
        var pending = answers.SelectMany(a => RubricItems.All.Where(item => !done.Contains((a.Id, item)))
            .Select(item => new PendingJudgement(a.Id, a.Question, a.Text, item))).ToList();
        return (pending, answers.Count * RubricItems.All.Count);
    }

    /// <summary>Inserts one judgement at once (a stopped server loses at most the calls in flight). The unique
    /// (answer, item) index makes a second insert of the same judgement fail: that is reported, not thrown.</summary>
    public async Task<JudgementSaveOutcome> SaveJudgementAsync(Guid runId, PendingJudgement what, string judgeName, Judgement judgement, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        db.RunJudgements.Add(new RunJudgement
        {
            RunId = runId,
            AnswerId = what.AnswerId,
            Item = what.Item,
            Judge = Truncate(judgeName, MaxJudgeNameLength),
            Status = judgement.Status.ToString(),
            Score = judgement.IsScored ? judgement.Score : null,
            RawText = Truncate(judgement.RawText, MaxRawTextLength),
            Detail = judgement.Detail is null ? null : Truncate(judgement.Detail, MaxDetailLength),
            PromptTokens = judgement.PromptTokens,
            CompletionTokens = judgement.CompletionTokens,
            CreatedAt = Now,
        });
        try
        {
            await db.SaveChangesAsync(cancellation);
            return JudgementSaveOutcome.Saved;
        }
        catch (DbUpdateException)
        {
            await using var again = await contexts.CreateDbContextAsync(cancellation);
            if (await again.RunJudgements.AnyAsync(j => j.AnswerId == what.AnswerId && j.Item == what.Item, cancellation)) return JudgementSaveOutcome.AlreadyJudged;
            if (!await again.RunAnswers.AnyAsync(a => a.Id == what.AnswerId, cancellation)) return JudgementSaveOutcome.AnswerGone;
            throw;
        }
    }

    /// <summary>Writes the progress message while the run is still Running on this instance; false when it is not (a
    /// person cancelled it, or it was deleted): the caller stops.</summary>
    public async Task<bool> ReportProgressAsync(Guid runId, string message, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        string instance = InstanceName, text = Truncate(message, MaxMessageLength);
        return await db.Runs.Where(r => r.Id == runId && r.JudgingState == RunJudgingState.Running && r.JudgingServerInstance == instance)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.JudgingMessage, text), cancellation) > 0;
    }

    /// <summary>Whether the run is still Running on this instance, and still has its judge setting (deleting a setting
    /// clears the runs' reference to it).</summary>
    public async Task<JudgingCheck> CheckAsync(Guid runId, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        string instance = InstanceName;
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId && r.JudgingState == RunJudgingState.Running && r.JudgingServerInstance == instance)
            .Select(r => new { r.JudgeSettingId }).SingleOrDefaultAsync(cancellation);
        return run is null ? JudgingCheck.Stopped : run.JudgeSettingId is null ? JudgingCheck.JudgeDeleted : JudgingCheck.Judging;
    }

    /// <summary>How many of the run's judgements exist and how many of them are scored.</summary>
    public async Task<(int Judged, int Scored)> CountAsync(Guid runId, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var judgements = db.RunJudgements.Where(j => j.RunId == runId);
        return (await judgements.CountAsync(cancellation), await judgements.CountAsync(j => j.Status == nameof(JudgementStatus.Scored), cancellation));
    }

    /// <summary>Running (on this instance) → <paramref name="state"/> with <paramref name="message"/>; false when the run
    /// was no longer ours to end (cancelled meanwhile).</summary>
    public async Task<bool> FinishAsync(Guid runId, RunJudgingState state, string message, CancellationToken cancellation)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        string instance = InstanceName, text = Truncate(message, MaxMessageLength);
        var now = Now;
        return await db.Runs.Where(r => r.Id == runId && r.JudgingState == RunJudgingState.Running && r.JudgingServerInstance == instance)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.JudgingState, state)
                .SetProperty(r => r.JudgingMessage, text)
                .SetProperty(r => r.JudgingFinishedAt, now), cancellation) > 0;
    }

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>What <see cref="RunJudgingStore.CheckAsync"/> found.</summary>
public enum JudgingCheck
{
    Judging,
    /// <summary>No longer Running here: cancelled, deleted, or taken over.</summary>
    Stopped,
    /// <summary>Running here, but its judge setting was deleted.</summary>
    JudgeDeleted,
}
