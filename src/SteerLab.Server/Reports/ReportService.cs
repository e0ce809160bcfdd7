using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Worker;
using SteerLab.Server.Accounts;
using SteerLab.Server.Api;
using SteerLab.Server.Data;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Reports;

namespace SteerLab.Server.Reports;

/// <summary>Queues "report" jobs on the built-in demo for the caller's team and reads them back; the report itself lives
/// in the job's result (Markdown and self-contained HTML), so nothing else is stored. Scoped: each circuit or request
/// sees its caller's team (Accounts/TeamScope).</summary>
public sealed class ReportService(
    IDbContextFactory<SteerLabDbContext> contexts,
    JobKindCatalog kinds,
    JobStore store,
    JobWakeup wakeup,
    TeamScope scope) : IReportService
{
    readonly IJobKind kind = kinds.Find(EngineJobKinds.Report) ?? throw new InvalidOperationException("the report job kind is not registered");

    public async Task<ReportStart> StartAsync(bool quick, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        var parameters = new ReportJobParameters(DemoAssets.ModelName, quick);
        var validation = kind.Validate(JsonSerializer.SerializeToElement(parameters, EngineJobJson.Options));
        if (!validation.IsValid) return new ReportStart(null, string.Join("; ", validation.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var job = await store.CreateAsync(kind.Name, validation.ParametersJson!, validation.Model, caller.TeamId, cancellationToken);
        wakeup.Signal();
        return new ReportStart(job.ToView(), null);
    }

    public async Task<JobView?> GetAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        await store.FindInTeamAsync(jobId, await scope.TeamIdAsync(cancellationToken), cancellationToken) is { } job && job.Kind == kind.Name ? job.ToView() : null;

    async Task<IReadOnlyList<ReportSummaryRow>> ListRowsAsync(CancellationToken cancellationToken)
    {
        var teamId = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Projected without ResultJson: a full report's HTML is large and the list only names the jobs.
        return await db.Jobs.AsNoTracking().Where(j => j.TeamId == teamId && j.Kind == kind.Name)
            .OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Take(IReportService.RecentJobs)
            .Select(j => new ReportSummaryRow(j.Id, j.State, j.ParametersJson, j.Progress, j.Message, j.Error, j.CreatedAt, j.FinishedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ReportJobSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ListRowsAsync(cancellationToken))
            .Select(r => new ReportJobSummary(r.Id, r.State, IsQuick(r.ParametersJson), r.Progress, r.Message, r.Error, r.CreatedAt, r.FinishedAt))
            .ToList();

    public async Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        if (await GetAsync(jobId, cancellationToken) is null) return false;
        return (await store.RequestCancelAsync(jobId, cancellationToken, caller.TeamId)).Kind == CancelOutcomeKind.Accepted;
    }

    public ReportJobResult? ResultOf(JobView job) =>
        job is { State: JobState.Succeeded, Result: { ValueKind: JsonValueKind.Object } result }
            ? result.Deserialize<ReportJobResult>(EngineJobJson.Options)
            : null;

    /// <summary>Stored parameters were validated when queued; a row that cannot be read is shown as a full report.</summary>
    static bool IsQuick(string parametersJson)
    {
        try { return JsonSerializer.Deserialize<ReportJobParameters>(parametersJson, EngineJobJson.Options)?.Quick ?? false; }
        catch (JsonException) { return false; }
    }

    sealed record ReportSummaryRow(Guid Id, JobState State, string ParametersJson, double Progress, string? Message, string? Error,
        DateTime CreatedAt, DateTime? FinishedAt);
}
