using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>The Runs pages' and <c>/api/runs</c>'s server (<see cref="IRunService"/>, DESIGN §6). A run is an engine job
/// plus its row: both are created in one transaction (<see cref="JobStore.CreateAsync(string, string, string?, Guid, Action{SteerLabDbContext, Job}?, CancellationToken)"/>),
/// so a fast job never finishes before its run exists. Every read is scoped to the caller's team (another team's run is
/// not found); starting, re-running and cancelling need editor, reviewing needs reviewer — checked after the run is
/// found, so an outsider learns nothing (404) and a member with too low a role is told why (403).</summary>
public sealed class RunService(
    IDbContextFactory<SteerLabDbContext> contexts,
    RunPlanner planner,
    JobStore store,
    JobWakeup wakeup,
    TeamScope scope,
    TimeProvider time) : IRunService
{
    public const int MaxListed = 500;

    public Task<RunStart> StartAsync(RunRequest request, CancellationToken cancellationToken = default) => StartAsync(request, rerunOf: null, cancellationToken);

    public async Task<IReadOnlyList<RunSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Runs.AsNoTracking().Where(r => r.TeamId == team)
            .Join(db.Jobs.AsNoTracking(), r => r.JobId, j => j.Id, (r, j) => new { Run = r, Job = j })
            .OrderByDescending(x => x.Run.CreatedAt).ThenBy(x => x.Run.Id).Take(MaxListed).ToListAsync(cancellationToken);
        var creators = await RunRecords.CreatorsAsync(db, rows.Select(x => x.Run), cancellationToken);
        return rows.Select(x => RunRecords.Summary(x.Run, x.Job, RunRecords.ProvenanceOf(x.Run, x.Job), CreatorOf(x.Run, creators))).ToList();
    }

    public async Task<RunView?> GetAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await RunRecords.FindAsync(db, runId, team, cancellationToken) is { } found ? await ViewAsync(db, found, cancellationToken) : null;
    }

    /// <summary>Whether the caller's team has the run (the REST API answers 404 otherwise).</summary>
    public async Task<bool> ExistsAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AnyAsync(r => r.Id == runId && r.TeamId == team, cancellationToken);
    }

    public async Task<RunStart> RerunAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        RunWithJob? found;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            found = await RunRecords.FindAsync(db, runId, team, cancellationToken);
        if (found is null) return new RunStart(null, FieldErrors.One("runId", $"there is no run {runId}"));
        return await StartAsync(found.Request, runId, cancellationToken);
    }

    public async Task<bool> CancelAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await RunRecords.FindAsync(db, runId, team, cancellationToken) is not { } found) return false;
        await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        var outcome = await store.RequestCancelAsync(found.Job.Id, cancellationToken, team);
        var now = time.GetUtcNow().UtcDateTime;
        // Only a judging phase that has not ended; the judging service stops when it next reads the state.
        int judging = await db.Runs.Where(r => r.Id == runId && (r.JudgingState == RunJudgingState.WaitingForAnswers
                || r.JudgingState == RunJudgingState.Queued || r.JudgingState == RunJudgingState.Running))
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.JudgingState, RunJudgingState.Cancelled)
                .SetProperty(r => r.JudgingMessage, "cancelled")
                .SetProperty(r => r.JudgingFinishedAt, now), cancellationToken);
        return outcome.Kind == CancelOutcomeKind.Accepted || judging > 0;
    }

    public async Task<IReadOnlyList<RunAnswerView>> AnswersAsync(Guid runId, int skip = 0, int take = 200, CancellationToken cancellationToken = default)
    {
        if (skip < 0) throw new ArgumentOutOfRangeException(nameof(skip), skip, "must not be negative");
        if (take is < 1 or > RunAnswerRows.MaxTake) throw new ArgumentOutOfRangeException(nameof(take), take, $"must be between 1 and {RunAnswerRows.MaxTake}");
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await RunRecords.FindAsync(db, runId, team, cancellationToken) is not { } found) return [];
        var provenance = found.Provenance;
        return (await RunAnswerRows.ReadAsync(db, runId, skip, take, cancellationToken)).Select(a => RunAnswerRows.ToView(a, provenance)).ToList();
    }

    public async Task<RunExport?> ExportAsync(Guid runId, string format, CancellationToken cancellationToken = default)
    {
        format = (format ?? "").Trim().ToLowerInvariant();
        if (!RunExports.Formats.Contains(format)) throw new ArgumentException($"unknown export format '{format}': use {string.Join(" or ", RunExports.Formats)}", nameof(format));
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await RunRecords.FindAsync(db, runId, team, cancellationToken) is not { } found) return null;
        var view = await ViewAsync(db, found, cancellationToken);
        var answers = found.Run.Kind == RunKinds.OpenEnded ? await RunAnswerRows.ReadAllAsync(db, runId, cancellationToken) : [];
        return RunExports.Create(format, view, answers);
    }

    public async Task<ReviewItem?> NextReviewItemAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var caller = await scope.GetAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await RunRecords.FindAsync(db, runId, caller.TeamId, cancellationToken) is not { } found) return null;
        await scope.RequireAsync(TeamRoles.Reviewer, cancellationToken);
        if (found.Run.Kind != RunKinds.OpenEnded) return null;
        return await RunReviews.NextAsync(db, runId, found.Request.OpenEnded?.BehaviourDescription ?? "", caller.UserId, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string[]>> SubmitReviewAsync(Guid runId, ReviewScoreRequest review, CancellationToken cancellationToken = default)
    {
        var caller = await scope.GetAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Runs.AnyAsync(r => r.Id == runId && r.TeamId == caller.TeamId, cancellationToken))
            return FieldErrors.One("runId", $"there is no run {runId}");
        await scope.RequireAsync(TeamRoles.Reviewer, cancellationToken);
        return await RunReviews.SubmitAsync(db, runId, caller.UserId, review, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    public async Task<AgreementView?> AgreementAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await RunRecords.FindAsync(db, runId, team, cancellationToken) is not { Run.Kind: RunKinds.OpenEnded }) return null;
        return RunAgreement.Compute(await RunAnswerRows.ReadAllAsync(db, runId, cancellationToken));
    }

    async Task<RunStart> StartAsync(RunRequest request, Guid? rerunOf, CancellationToken cancellationToken)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        var (plan, errors) = await planner.PlanAsync(request, caller.TeamId, cancellationToken);
        if (plan is null) return new RunStart(null, errors);
        EvaluationRun? run = null;
        var job = await store.CreateAsync(plan.JobKind, plan.ParametersJson, plan.Model, caller.TeamId, (db, job) =>
        {
            run = new EvaluationRun
            {
                Id = Guid.NewGuid(), TeamId = caller.TeamId, Kind = plan.Request.Kind, Name = plan.Name, Model = plan.Model, JobId = job.Id,
                RequestJson = JsonSerializer.Serialize(plan.Request, RunJson.Options), ProvenanceJson = JsonSerializer.Serialize(plan.Provenance, RunJson.Options),
                CreatedByUserId = caller.UserId, CreatedAt = job.CreatedAt, RerunOf = rerunOf,
                JudgeSettingId = plan.JudgeSettingId, JudgingState = plan.JudgingState,
            };
            db.Runs.Add(run);
        }, cancellationToken);
        wakeup.Signal();
        return new RunStart(RunRecords.Summary(run!, job, plan.Provenance, caller.Email), FieldErrors.None);
    }

    async Task<RunView> ViewAsync(SteerLabDbContext db, RunWithJob found, CancellationToken cancellationToken)
    {
        var (run, job) = (found.Run, found.Job);
        var request = found.Request;
        var provenance = found.Provenance;
        var creators = await RunRecords.CreatorsAsync(db, [run], cancellationToken);
        OpenEndedResultView? openEnded = null;
        JudgingView? judging = null;
        if (run.Kind == RunKinds.OpenEnded)
        {
            var answers = await db.RunAnswers.AsNoTracking().Where(a => a.RunId == run.Id)
                .Select(a => new AnswerPoint(a.Id, a.Series, a.QuestionIndex, a.Lambda)).ToListAsync(cancellationToken);
            // Everything but the raw text, which the charts do not need (up to 4 KB each).
            var judgements = await db.RunJudgements.AsNoTracking().Where(j => j.RunId == run.Id)
                .Select(j => new RunJudgement
                {
                    Id = j.Id, RunId = j.RunId, AnswerId = j.AnswerId, Item = j.Item, Judge = j.Judge, Status = j.Status, Score = j.Score, RawText = "",
                    PromptTokens = j.PromptTokens, CompletionTokens = j.CompletionTokens,
                }).ToListAsync(cancellationToken);
            openEnded = OpenEndedAggregation.Aggregate(request, provenance, answers, judgements);
            judging = OpenEndedAggregation.Judging(run, provenance, answers.Count, judgements);
        }
        return new RunView(RunRecords.Summary(run, job, provenance, CreatorOf(run, creators)), request, provenance, judging,
            run.Kind == RunKinds.AbSweep ? ResultOf<SweepJobResult>(job) : null,
            openEnded,
            run.Kind == RunKinds.SideEffects ? ResultOf<SideEffectsJobResult>(job) : null);
    }

    static T? ResultOf<T>(Job job) where T : class =>
        job is { State: JobState.Succeeded, ResultJson: { } json } ? JsonSerializer.Deserialize<T>(json, RunJson.Options) : null;

    static string? CreatorOf(EvaluationRun run, Dictionary<Guid, string> creators) =>
        run.CreatedByUserId is { } id ? creators.GetValueOrDefault(id) : null;
}
