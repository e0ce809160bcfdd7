using System.Text.Json;
using SteerLab.Engine.Worker;
using SteerLab.Server.Accounts;
using SteerLab.Server.Api;
using SteerLab.Server.Datasets;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Vectors;

/// <summary>Turns "build a vector from saved dataset X" into a queued "build-vector" job: the dataset's pairs are put
/// into the job's parameters (a remote worker cannot read the database), which <see cref="BuildVectorJobKind"/> then
/// validates like any job's.</summary>
public sealed class VectorBuildService(DatasetService datasets, JobKindCatalog kinds, JobStore store, JobWakeup wakeup, TeamScope scope) : IVectorBuildService
{
    readonly IJobKind kind = kinds.Find(EngineJobKinds.BuildVector) ?? throw new InvalidOperationException("the build-vector job kind is not registered");

    public async Task<VectorBuildStart> StartAsync(VectorBuildRequest request, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        var dataset = await datasets.LoadAsync(request.DatasetId, cancellationToken);
        if (dataset is null)
            return new VectorBuildStart(null, new Dictionary<string, string[]> { ["datasetId"] = [$"there is no dataset {request.DatasetId}"] });
        var parameters = new BuildVectorJobParameters(
            request.Model, dataset.Name, DatasetPairsJson.Write(dataset), request.Method, request.Hook, request.ReadPosition,
            request.Tau, request.RemoveCommonFeatures, request.K, string.IsNullOrWhiteSpace(request.Sae) ? null : request.Sae.Trim(),
            string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim());
        var validation = kind.Validate(JsonSerializer.SerializeToElement(parameters, EngineJobJson.Options));
        if (!validation.IsValid) return new VectorBuildStart(null, validation.Errors);
        var job = await store.CreateAsync(kind.Name, validation.ParametersJson!, validation.Model, caller.TeamId, cancellationToken);
        wakeup.Signal();
        return new VectorBuildStart(job.ToView(), new Dictionary<string, string[]>());
    }

    public async Task<JobView?> GetJobAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        await store.FindInTeamAsync(jobId, await scope.TeamIdAsync(cancellationToken), cancellationToken) is { } job && job.Kind == kind.Name ? job.ToView() : null;

    public async Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        (await store.RequestCancelAsync(jobId, cancellationToken, (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId)).Kind == CancelOutcomeKind.Accepted;

    public Guid? BuiltVectorId(JobView job) =>
        job is { State: JobState.Succeeded, Result: { ValueKind: JsonValueKind.Object } result }
            ? result.Deserialize<BuildVectorJobResult>(EngineJobJson.Options)?.VectorId
            : null;
}
