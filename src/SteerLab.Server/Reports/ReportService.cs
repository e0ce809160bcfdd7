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

/// <summary>Queues "report" jobs for the caller's team — on the built-in demo, or on a model with the SAE(s) and library
/// datasets the caller chose — and reads them back; the report itself lives
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

    public async Task<ReportStart> StartAsync(ReportRequest request, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        ReportJobParameters parameters;
        if (request.Model is null) parameters = new ReportJobParameters(DemoAssets.ModelName, request.Quick);
        else
        {
            var ids = request.DatasetIds ?? [];
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var found = await db.Datasets.AsNoTracking().Where(d => d.TeamId == caller.TeamId && ids.Contains(d.Id))
                .Select(d => new { d.Id, d.Name, d.PairsJson }).ToListAsync(cancellationToken);
            if (ids.FirstOrDefault(id => found.All(d => d.Id != id)) is var missing && missing != Guid.Empty)
                return new ReportStart(null, $"datasets: there is no dataset {missing}");
            parameters = new ReportJobParameters(request.Model, request.Quick, Saes: request.Saes ?? [],
                Datasets: [.. ids.Select(id => found.Single(d => d.Id == id)).Select(d => new ReportDatasetParameters(d.Name, d.PairsJson))]);
        }
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
            .Select(r => Summary(r))
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
    static ReportJobSummary Summary(ReportSummaryRow row)
    {
        ReportJobParameters? parameters;
        try { parameters = JsonSerializer.Deserialize<ReportJobParameters>(row.ParametersJson, EngineJobJson.Options); }
        catch (JsonException) { parameters = null; }
        return new ReportJobSummary(row.Id, row.State, parameters?.Quick ?? false, row.Progress, row.Message, row.Error, row.CreatedAt, row.FinishedAt,
            parameters is null || parameters.UsesDemoInputs ? "built-in demo" : InputsOf(parameters));
    }

    /// <summary>"model · SAE a, b · datasets x, y".</summary>
    public static string InputsOf(ReportJobParameters parameters) =>
        $"{parameters.Model} · SAE {string.Join(", ", parameters.Saes ?? [])} · datasets {string.Join(", ", (parameters.Datasets ?? []).Select(d => d.Name))}";

    sealed record ReportSummaryRow(Guid Id, JobState State, string ParametersJson, double Progress, string? Message, string? Error,
        DateTime CreatedAt, DateTime? FinishedAt);
}
