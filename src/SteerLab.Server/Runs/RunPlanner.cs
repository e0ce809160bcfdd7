using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;
using SteerLab.Server.Jobs;
using SteerLab.Server.Vectors;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Runs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Runs;

/// <summary>Checks a <see cref="RunRequest"/> against the team's library and turns it into a <see cref="RunPlan"/>:
/// errors by request field name (as ValidationProblem writes them: "vectorIds", "denseLambdas", "abSweep.testSetId",
/// "openEnded.judge.contrast", "sideEffects.benchmarkIds" …), then the job's parameters validated by the job kind like
/// any job's (its errors renamed to the request's fields), then the provenance.</summary>
public sealed class RunPlanner(IDbContextFactory<SteerLabDbContext> contexts, JobKindCatalog kinds, RunProvenanceFactory provenance)
{
    public const int MaxNameLength = 200; // EvaluationRun.Name's column

    public async Task<(RunPlan? Plan, IReadOnlyDictionary<string, string[]> Errors)> PlanAsync(RunRequest? request, Guid team, CancellationToken cancellationToken)
    {
        if (request is null) return (null, FieldErrors.One("request", "send a run request"));
        var errors = new FieldErrors();
        if (!RunKinds.All.Contains(request.Kind)) errors.Add("kind", $"must be one of {string.Join(", ", RunKinds.All)}, not '{request.Kind}'");
        if (request.Name is { Length: > MaxNameLength }) errors.Add("name", $"at most {MaxNameLength} characters");

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (vectors, vectorProblem) = await LibraryVectors.ReadAsync(db, team, request.VectorIds ?? [], RunRequest.MaxVectors, cancellationToken);
        if (vectorProblem is not null) errors.Add("vectorIds", vectorProblem);
        var models = vectors.Select(v => v.Entity.Model).Distinct(StringComparer.Ordinal).ToList();
        if (models.Count > 1) errors.Add("vectorIds", $"the vectors are for different models ({string.Join(", ", models)}); a run uses one model");
        if (vectors.Any(v => !IsSparse(v)) && SweepJobKind.LambdaGridProblem(request.DenseLambdas) is { } denseProblem) errors.Add("denseLambdas", denseProblem);
        if (vectors.Any(IsSparse) && SweepJobKind.LambdaGridProblem(request.SparseLambdas) is { } sparseProblem) errors.Add("sparseLambdas", sparseProblem);

        string model = models.FirstOrDefault() ?? "";
        var sweepVectors = vectors.Select(v => new SweepVectorParameters(v.Entity.DocumentJson,
            [.. (IsSparse(v) ? request.SparseLambdas : request.DenseLambdas) ?? []], v.Vector.IsSparse ? v.Vector.Sae?.Id : null, v.Entity.Id)).ToArray();
        var parts = new RunKindParts(db, team, errors);
        RunKindPart? part = request.Kind switch
        {
            RunKinds.AbSweep => await parts.AbSweepAsync(request, model, sweepVectors, cancellationToken),
            RunKinds.OpenEnded => await parts.OpenEndedAsync(request, model, sweepVectors, cancellationToken),
            RunKinds.SideEffects => await parts.SideEffectsAsync(request, model, sweepVectors, cancellationToken),
            _ => null,
        };
        if (errors.Count > 0 || part is null) return (null, errors.ToDictionary());

        if (kinds.Find(part.JobKind) is not { } jobKind)
            return (null, FieldErrors.One("kind", $"this server cannot run {request.Kind} runs: its job kind '{part.JobKind}' is not registered"));
        var validation = jobKind.Validate(JsonSerializer.SerializeToElement(part.Parameters, part.Parameters.GetType(), EngineJobJson.Options));
        if (!validation.IsValid) return (null, RequestFieldsOf(validation.Errors, request.Kind, sweepVectors));

        var stored = request with { VectorIds = vectors.Select(v => v.Entity.Id).ToList(), DenseLambdas = request.DenseLambdas ?? [], SparseLambdas = request.SparseLambdas ?? [] };
        string name = string.IsNullOrWhiteSpace(request.Name) ? DefaultName(request.Kind, vectors) : request.Name.Trim();
        var runProvenance = provenance.Create(model, vectors, stored, part.Datasets, part.Sampling, part.Judge);
        return (new RunPlan(part.JobKind, validation.ParametersJson!, validation.Model ?? model, stored, name, runProvenance, part.JudgeSettingId, part.JudgingState),
            FieldErrors.None);
    }

    /// <summary>SAS vectors use the sparse grid (λ), every other method the dense one (α).</summary>
    public static bool IsSparse(LibraryVector vector) => vector.Vector.IsSparse;

    /// <summary>Whether a vector of this method uses the sparse grid, for rows that only have the method.</summary>
    public static bool IsSparseMethod(string method) => method == VectorMethods.Sas;

    /// <summary>"A/B sweep: romance-vs-press CAA, romance-vs-press SAS", cut to the column's length.</summary>
    public static string DefaultName(string kind, IReadOnlyList<LibraryVector> vectors)
    {
        string title = kind switch { RunKinds.AbSweep => "A/B sweep", RunKinds.OpenEnded => "Open-ended", RunKinds.SideEffects => "Side effects", _ => kind };
        string name = $"{title}: {string.Join(", ", vectors.Select(v => v.Entity.Name))}";
        return name.Length <= MaxNameLength ? name : name[..(MaxNameLength - 1)] + "…";
    }

    /// <summary>The job kind's errors under the request's field names: a vector's grid is the dense or sparse grid, the
    /// model and vectors are the chosen vectors, the carried datasets are the chosen datasets, and the kind's own
    /// settings go under the kind's settings object.</summary>
    static IReadOnlyDictionary<string, string[]> RequestFieldsOf(IReadOnlyDictionary<string, string[]> jobErrors, string kind, SweepVectorParameters[] vectors)
    {
        string settings = kind switch { RunKinds.AbSweep => "abSweep", RunKinds.OpenEnded => "openEnded", _ => "sideEffects" };
        var errors = new FieldErrors();
        foreach (var (key, problems) in jobErrors)
        {
            string field = key switch
            {
                "deltaCorrection" => "deltaCorrection",
                "model" or "vectors" => "vectorIds",
                _ when key.StartsWith("vectors[", StringComparison.Ordinal) => VectorField(key, vectors),
                "testSetPairsJson" or "testSetName" => "abSweep.testSetId",
                "heldOutTexts" or "heldOutName" => "sideEffects.heldOutDatasetId",
                _ when key.StartsWith("benchmarks", StringComparison.Ordinal) && key.EndsWith(".maxQuestions", StringComparison.Ordinal) => "sideEffects.maxBenchmarkQuestions",
                _ when key.StartsWith("benchmarks", StringComparison.Ordinal) => "sideEffects.benchmarkIds",
                "parameters" => "kind",
                _ => $"{settings}.{key}",
            };
            foreach (string problem in problems) errors.Add(field, key == field || field.EndsWith(key, StringComparison.Ordinal) ? problem : $"{key}: {problem}");
        }
        return errors.ToDictionary();
    }

    static string VectorField(string key, SweepVectorParameters[] vectors)
    {
        int close = key.IndexOf(']');
        if (!key.EndsWith(".lambdas", StringComparison.Ordinal) || !int.TryParse(key.AsSpan(8, close - 8), out int index) || index < 0 || index >= vectors.Length)
            return "vectorIds";
        return vectors[index].Sae is null ? "denseLambdas" : "sparseLambdas";
    }
}
