using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Worker;
using SteerLab.Server.Vectors;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Jobs;

/// <summary>"build-vector": build a steering vector from a dataset (<see cref="BuildVectorJobParameters"/>). When the job
/// succeeds its vector is stored in the library together with the job's end. Idempotent: it only computes, and its
/// vector is stored only with the final state, so a re-run after a lost engine stores it once.</summary>
public sealed class BuildVectorJobKind(IOptions<SteerLabOptions> options, ModelRoots modelRoots, IServiceScopeFactory scopes) : IJobKind
{
    public const int MaxK = 1_000_000;
    public const int MaxNameLength = 200; // the library's column

    public string Name => EngineJobKinds.BuildVector;
    public bool IsIdempotent => true;

    public JobKindValidation Validate(JsonElement parameters)
    {
        var (p, refusal) = JobParameters.Parse<BuildVectorJobParameters>(parameters);
        if (p is null) return refusal!;

        var errors = new FieldErrors();
        bool inProcess = options.Value.Engine.Mode == EngineOptions.InProcess;

        if (ModelRoots.CheckName(p.Model) is { } modelProblem) errors.Add("model", modelProblem);
        else if (inProcess && !modelRoots.TryResolve(p.Model, out _, out var problem)) errors.Add("model", problem!);
        if (string.IsNullOrWhiteSpace(p.DatasetName)) errors.Add("datasetName", "the dataset needs a name");
        if (string.IsNullOrWhiteSpace(p.DatasetPairsJson)) errors.Add("datasetPairsJson", "the dataset has no pairs");
        bool usesSae = p.Method is VectorMethods.Sas or VectorMethods.SaeTs;
        if (!VectorMethods.IsKnown(p.Method)) errors.Add("method", $"must be one of {string.Join(", ", VectorMethods.All)}, not '{p.Method}'");
        if (!HookPoint.TryParse(p.Hook ?? "", out _)) errors.Add("hook", $"'{p.Hook}' is not a hook point (e.g. blocks.1.hook_resid_post)");
        if (!BuildVectorJobParameters.ReadPositions.Contains(p.ReadPosition)) errors.Add("readPosition", $"must be one of {string.Join(", ", BuildVectorJobParameters.ReadPositions)}, not '{p.ReadPosition}'");
        if (usesSae && !(p.Tau > 0 && p.Tau <= 1)) errors.Add("tau", $"must be in (0, 1], got {p.Tau}");
        if (p.Method == VectorMethods.TopKEnr && p.K is < 1 or > MaxK) errors.Add("k", $"must be between 1 and {MaxK}, got {p.K}");
        if (usesSae)
        {
            if (string.IsNullOrWhiteSpace(p.Sae)) errors.Add("sae", $"{VectorMethods.DisplayName(p.Method)} needs an SAE folder (e.g. \"sae\")");
            else if (ModelRoots.CheckName(p.Sae) is { } saeProblem) errors.Add("sae", saeProblem.Replace("model", "SAE"));
            else if (inProcess) { try { modelRoots.ResolveSae(p.Sae); } catch (ModelPathException e) { errors.Add("sae", e.Message); } }
        }
        if (p.Name is { Length: > MaxNameLength }) errors.Add("name", $"at most {MaxNameLength} characters");

        return errors.Count > 0
            ? JobKindValidation.Invalid(errors)
            : JobKindValidation.Valid(JsonSerializer.Serialize(p, EngineJobJson.Options), p.Model);
    }

    /// <summary>Stores the built vector and writes its library id into the job's result. A document the library refuses
    /// (it should not happen: the engine wrote it) fails the job with the reasons instead of losing them.</summary>
    public Task PersistResultAsync(Data.SteerLabDbContext db, Data.Job job, string resultJson, CancellationToken cancellation)
    {
        BuildVectorJobResult? result;
        try { result = JsonSerializer.Deserialize<BuildVectorJobResult>(resultJson, EngineJobJson.Options); }
        catch (JsonException e) { Fail(job, $"the engine's result is not a build-vector result: {e.Message}"); return Task.CompletedTask; }
        if (result is null) { Fail(job, "the engine returned no vector"); return Task.CompletedTask; }
        // The library service is scoped (per caller); storing a job's vector needs none of the caller's state, only the job's team.
        using var scope = scopes.CreateScope();
        var vectors = scope.ServiceProvider.GetRequiredService<VectorService>();
        var (stored, problems) = vectors.AddBuilt(db, result.VectorDocument, $"job {job.Id}", job.TeamId);
        if (stored is null)
        {
            Fail(job, "the built vector could not be stored: " + string.Join("; ", problems.Take(10).Select(p => $"{p.Path}: {p.Message}")));
            return Task.CompletedTask;
        }
        job.ResultJson = JsonSerializer.Serialize(result with { VectorId = stored.Id, VectorDocument = stored.DocumentJson }, EngineJobJson.Options);
        job.Message = $"built \"{stored.Name}\"";
        return Task.CompletedTask;
    }

    static void Fail(Data.Job job, string error)
    {
        job.State = JobState.Failed;
        job.Error = error;
        job.Message = "failed";
        job.ResultJson = null;
    }
}
