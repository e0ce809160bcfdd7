using System.Text;
using System.Text.Json;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Jobs;

/// <summary>The checks the evaluation job kinds ("open-ended", "side-effects", "report") share: the model, and the vectors with their grids. Collects every problem by parameter name, as
/// <see cref="JobKindValidation"/> reports them.</summary>
sealed class EvaluationJobChecks(bool inProcess, ModelRoots modelRoots)
{
    readonly FieldErrors errors = new();

    public int ErrorCount => errors.Count;

    public void Add(string name, string problem) => errors.Add(name, problem);

    /// <summary>A model name (<paramref name="name"/> is the parameter) under the model roots; its folder is looked for
    /// only when this server runs the jobs itself (a remote worker has its own roots).</summary>
    public void Model(string name, string? model)
    {
        if (ModelRoots.CheckName(model) is { } problem) Add(name, problem);
        else if (inProcess && !modelRoots.TryResolve(model!, out _, out var missing)) Add(name, missing!);
    }

    /// <summary>1 to <see cref="RunRequest.MaxVectors"/> vectors, each with a document, a usable grid and a well-formed
    /// SAE name.</summary>
    public void Vectors(SweepVectorParameters[]? vectors)
    {
        if (vectors is not { Length: > 0 and <= RunRequest.MaxVectors }) { Add("vectors", $"give 1 to {RunRequest.MaxVectors} vectors"); return; }
        for (int i = 0; i < vectors.Length; i++)
        {
            if (vectors[i] is not { } vector || string.IsNullOrWhiteSpace(vector.VectorDocument)) { Add($"vectors[{i}]", "the vector document is missing"); continue; }
            if (SweepJobKind.LambdaGridProblem(vector.Lambdas) is { } gridProblem) Add($"vectors[{i}].lambdas", gridProblem);
            else if (vector.Lambdas.Distinct().Count() != vector.Lambdas.Length) Add($"vectors[{i}].lambdas", "a coefficient is repeated");
            if (vector.Sae is { } sae && ModelRoots.CheckName(sae) is { } saeProblem) Add($"vectors[{i}].sae", saeProblem.Replace("model", "SAE"));
        }
    }

    /// <summary>A/B pairs as the engine will read them (CAA A/B or benchmark schema), so a malformed set is refused now
    /// rather than failing the job later.</summary>
    public void AbPairs(string name, string? pairsJson, string what, DatasetLimits limits)
    {
        if (string.IsNullOrWhiteSpace(pairsJson)) { Add(name, $"{what} has no pairs"); return; }
        try { AbTestSetReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(pairsJson), writable: false), what, DatasetFileFormat.Json, what, limits); }
        catch (DatasetFormatException e) { Add(name, e.Message); }
    }

    public JobKindValidation Result(object parameters, string model) =>
        errors.Count > 0 ? JobKindValidation.Invalid(errors) : JobKindValidation.Valid(JsonSerializer.Serialize(parameters, parameters.GetType(), EngineJobJson.Options), model);
}
