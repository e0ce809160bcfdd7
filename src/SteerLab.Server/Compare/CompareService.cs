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
using SteerLab.Server.Vectors;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Compare;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Compare;

/// <summary>The Compare page's server (<see cref="ICompareService"/>): heat maps straight from the library's documents,
/// and sweeps queued as "sweep" jobs carrying the vectors' documents and the test set's pairs (a remote worker cannot
/// read the database), validated by <see cref="SweepJobKind"/> like any job's.</summary>
public sealed class CompareService(IDbContextFactory<SteerLabDbContext> contexts, JobKindCatalog kinds, JobStore store, JobWakeup wakeup, TeamScope scope) : ICompareService
{
    readonly IJobKind kind = kinds.Find(EngineJobKinds.Sweep) ?? throw new InvalidOperationException("the sweep job kind is not registered");

    public async Task<OverlapView> OverlapAsync(IReadOnlyList<Guid> vectorIds, OverlapSupport support = OverlapSupport.All, CancellationToken cancellationToken = default)
    {
        var (vectors, problem) = await LoadAsync(vectorIds, cancellationToken);
        if (problem is not null) throw new ArgumentException(problem);
        // Pure CPU over a few thousand indices at most; no job needed.
        return LibraryOverlap.Compute(vectors.Select(v => (v.Entity.Id, v.Vector)).ToList(), support);
    }

    public async Task<SweepStart> StartSweepAsync(SweepRequest request, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        var errors = new FieldErrors();

        var (vectors, problem) = await LoadAsync(request.VectorIds ?? [], cancellationToken);
        if (problem is not null) errors.Add("vectorIds", problem);
        var models = vectors.Select(v => v.Entity.Model).Distinct(StringComparer.Ordinal).ToList();
        if (models.Count > 1) errors.Add("vectorIds", $"the vectors are for different models ({string.Join(", ", models)}); a sweep runs one model");
        if (vectors.Any(v => !v.Vector.IsSparse) && SweepJobKind.LambdaGridProblem(request.DenseLambdas) is { } denseProblem) errors.Add("denseLambdas", denseProblem);
        if (vectors.Any(v => v.Vector.IsSparse) && SweepJobKind.LambdaGridProblem(request.SparseLambdas) is { } sparseProblem) errors.Add("sparseLambdas", sparseProblem);
        if (request.MaxQuestions is < 1 or > SweepRequest.MaxMaxQuestions) errors.Add("maxQuestions", $"must be between 1 and {SweepRequest.MaxMaxQuestions}, got {request.MaxQuestions}");

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var testSet = await db.Datasets.AsNoTracking().Where(d => d.Id == request.TestSetId && d.TeamId == caller.TeamId)
            .Select(d => new { d.Name, d.PairsJson }).SingleOrDefaultAsync(cancellationToken);
        if (testSet is null) errors.Add("testSetId", $"there is no dataset {request.TestSetId}");
        else if (DatasetPairsJson.KindOf(testSet.PairsJson) != DatasetPairKind.AnswerChoice)
            errors.Add("testSetId", $"'{testSet.Name}' holds completion pairs; an A/B sweep needs A/B questions (CAA format: question, answer_matching_behavior, answer_not_matching_behavior)");
        if (errors.Count > 0) return new SweepStart(null, errors.ToDictionary());

        var parameters = new SweepJobParameters(
            models[0],
            vectors.Select(v => new SweepVectorParameters(v.Entity.DocumentJson,
                [.. v.Vector.IsSparse ? request.SparseLambdas : request.DenseLambdas],
                v.Vector.IsSparse ? v.Vector.Sae?.Id : null, v.Entity.Id)).ToArray(),
            testSet!.Name, testSet.PairsJson, request.MaxQuestions, request.DeltaCorrection);
        var validation = kind.Validate(JsonSerializer.SerializeToElement(parameters, EngineJobJson.Options));
        if (!validation.IsValid) return new SweepStart(null, validation.Errors);
        var job = await store.CreateAsync(kind.Name, validation.ParametersJson!, validation.Model, caller.TeamId, cancellationToken);
        wakeup.Signal();
        return new SweepStart(job.ToView(), new Dictionary<string, string[]>());
    }

    public async Task<JobView?> GetSweepAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        await store.FindInTeamAsync(jobId, await scope.TeamIdAsync(cancellationToken), cancellationToken) is { } job && job.Kind == kind.Name ? job.ToView() : null;

    public async Task<bool> CancelSweepAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        await GetSweepAsync(jobId, cancellationToken) is not null
        && (await store.RequestCancelAsync(jobId, cancellationToken, (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId)).Kind == CancelOutcomeKind.Accepted;

    public SweepJobResult? SweepResult(JobView job) =>
        job is { Kind: EngineJobKinds.Sweep, State: JobState.Succeeded, Result: { ValueKind: JsonValueKind.Object } result }
            ? result.Deserialize<SweepJobResult>(EngineJobJson.Options)
            : null;

    /// <summary>The library's vectors in the order asked (repeats dropped), read by the engine's reader; or a problem
    /// naming the first id the library does not hold (<see cref="LibraryVectors"/>, shared with evaluation runs).</summary>
    async Task<(IReadOnlyList<LibraryVector> Vectors, string? Problem)> LoadAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await LibraryVectors.ReadAsync(db, team, ids, ICompareService.MaxVectors, cancellationToken);
    }
}
