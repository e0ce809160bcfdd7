using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Engine.Worker;
using SteerLab.Server.Api;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;
using SteerLab.Server.Datasets;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Features;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Features;

/// <summary>Turns "dashboards for this sparse vector" into a queued "feature-dashboard" job: the vector's top features
/// by |weight|, its model, SAE and hook, and as the corpus the texts of the vector's own dataset — each pair's prompt
/// followed by its positive and by its negative completion, the very texts the vector was built from, so the corpus is
/// there for every vector that records its dataset. The latest job per vector is remembered for the server's lifetime;
/// its result lives with the job.</summary>
public sealed class FeatureDashboardService(
    IDbContextFactory<SteerLabDbContext> contexts,
    JobKindCatalog kinds,
    JobStore store,
    JobWakeup wakeup,
    TeamScope scope,
    LatestDashboardJobs latest) : IFeatureDashboardService
{
    readonly IJobKind kind = kinds.Find(EngineJobKinds.FeatureDashboard) ?? throw new InvalidOperationException("the feature-dashboard job kind is not registered");
    ConcurrentDictionary<Guid, Guid> latestJobOfVector => latest.ByVector;

    public async Task<FeatureDashboardStart> StartAsync(Guid vectorId, int features = IFeatureDashboardService.DefaultFeatures, CancellationToken cancellationToken = default)
    {
        if (features < 1 || features > FeatureDashboardJobParameters.MaxFeatures)
            return Refused($"ask for 1 to {FeatureDashboardJobParameters.MaxFeatures} features, not {features}");
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.Vectors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == vectorId && v.TeamId == caller.TeamId, cancellationToken);
        if (entity is null) return Refused($"there is no vector {vectorId}");
        SteeringVector vector;
        try { vector = VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(entity.DocumentJson), $"stored vector {vectorId}"); }
        catch (VectorImportException e) { return Refused($"the stored vector cannot be read: {e.Message}"); }
        if (vector is not { Sparse: { } sparse, Sae: { } sae }) return Refused("dashboards describe SAE features; this is a dense vector");
        if (vector.Dataset is not { } datasetReference)
            return Refused("the vector records no dataset, so there is no corpus to scan (dashboards read the vector's own dataset)");
        var dataset = await db.Datasets.AsNoTracking().Where(d => d.TeamId == caller.TeamId && d.ContentHash == datasetReference.ContentHash)
            .OrderBy(d => d.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (dataset is null)
            return Refused($"the vector's dataset \"{datasetReference.Name}\" (content hash {datasetReference.ContentHash[..Math.Min(12, datasetReference.ContentHash.Length)]}…) is not in the library; upload it again to scan it");

        var texts = CorpusTexts(DatasetPairsJson.Read(dataset.PairsJson, dataset.Name));
        int[] top = Enumerable.Range(0, sparse.Indices.Length)
            .Where(i => sparse.Values[i] != 0)
            .OrderByDescending(i => Math.Abs(sparse.Values[i])).ThenBy(i => sparse.Indices[i])
            .Take(features).Select(i => sparse.Indices[i]).ToArray();
        if (top.Length == 0) return Refused("the vector has no non-zero features");
        var parameters = new FeatureDashboardJobParameters(
            vector.ModelId, sae.Id, vector.Hook.Name, top,
            $"dataset \"{dataset.Name}\": each pair's prompt with its positive and with its negative completion ({texts.Length} texts)",
            texts);
        var validation = kind.Validate(JsonSerializer.SerializeToElement(parameters, EngineJobJson.Options));
        if (!validation.IsValid) return Refused(string.Join("; ", validation.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var job = await store.CreateAsync(kind.Name, validation.ParametersJson!, validation.Model, caller.TeamId, cancellationToken);
        wakeup.Signal();
        latestJobOfVector[vectorId] = job.Id;
        return new FeatureDashboardStart(job.ToView(), null);
    }

    /// <summary>prompt + positive and prompt + negative of every pair (as the vector's builder reads them), each text once.</summary>
    public static string[] CorpusTexts(SteerLab.Engine.Steering.Datasets.ContrastiveDataset dataset) =>
        dataset.Pairs.SelectMany(p => new[] { p.Prompt + p.Positive, p.Prompt + p.Negative })
            .Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal)
            .Take(FeatureDashboardJobParameters.MaxTexts).ToArray();

    public async Task<JobView?> GetJobAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        await store.FindInTeamAsync(jobId, await scope.TeamIdAsync(cancellationToken), cancellationToken) is { } job && job.Kind == kind.Name ? job.ToView() : null;

    public async Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        (await store.RequestCancelAsync(jobId, cancellationToken, (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId)).Kind == CancelOutcomeKind.Accepted;

    public async Task<JobView?> GetLatestAsync(Guid vectorId, CancellationToken cancellationToken = default) =>
        latestJobOfVector.TryGetValue(vectorId, out var jobId) ? await GetJobAsync(jobId, cancellationToken) : null;

    public FeatureDashboardJobResult? ResultOf(JobView job) =>
        job is { State: JobState.Succeeded, Result: { ValueKind: JsonValueKind.Object } result }
            ? result.Deserialize<FeatureDashboardJobResult>(EngineJobJson.Options)
            : null;

    static FeatureDashboardStart Refused(string error) => new(null, error);
}

/// <summary>The latest dashboard job per vector, for the server's lifetime (the service itself is per caller).</summary>
public sealed class LatestDashboardJobs
{
    public ConcurrentDictionary<Guid, Guid> ByVector { get; } = new();
}
