using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>A run's row with its engine job.</summary>
public sealed record RunWithJob(EvaluationRun Run, Job Job)
{
    public RunRequest Request => RunRecords.RequestOf(Run);
    public RunProvenance Provenance => RunRecords.ProvenanceOf(Run, Job);
}

/// <summary>Reading runs back: a team's run with its job (another team's is not found), the stored request and
/// provenance, and the summary lists show.</summary>
public static class RunRecords
{
    public static async Task<RunWithJob?> FindAsync(SteerLabDbContext db, Guid runId, Guid team, CancellationToken cancellationToken)
    {
        var found = await db.Runs.AsNoTracking().Where(r => r.Id == runId && r.TeamId == team)
            .Join(db.Jobs.AsNoTracking(), r => r.JobId, j => j.Id, (r, j) => new { Run = r, Job = j })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? null : new RunWithJob(found.Run, found.Job);
    }

    public static RunRequest RequestOf(EvaluationRun run) =>
        JsonSerializer.Deserialize<RunRequest>(run.RequestJson, RunJson.Options) ?? throw new InvalidDataException($"run {run.Id}: its stored request is empty");

    /// <summary>The provenance fixed when the run started, with where its job ran (known only once it ran).</summary>
    public static RunProvenance ProvenanceOf(EvaluationRun run, Job job)
    {
        var provenance = JsonSerializer.Deserialize<RunProvenance>(run.ProvenanceJson, RunJson.Options)
            ?? throw new InvalidDataException($"run {run.Id}: its stored provenance is empty");
        return provenance with { Engine = job.WorkerId ?? provenance.Engine };
    }

    public static RunSummary Summary(EvaluationRun run, Job job, RunProvenance provenance, string? createdBy) => new(
        run.Id, run.Kind, run.Name, run.Model, run.JobId, job.State, job.Progress, job.Message, job.Error, run.JudgingState, run.CreatedAt, createdBy,
        provenance.Vectors.Select(v => v.Name).ToList(), run.RerunOf);

    /// <summary>The e-mail addresses of the users who started runs, for "created by".</summary>
    public static async Task<Dictionary<Guid, string>> CreatorsAsync(SteerLabDbContext db, IEnumerable<EvaluationRun> runs, CancellationToken cancellationToken)
    {
        var ids = runs.Where(r => r.CreatedByUserId is not null).Select(r => r.CreatedByUserId!.Value).Distinct().ToList();
        if (ids.Count == 0) return [];
        return await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? "", cancellationToken);
    }
}
