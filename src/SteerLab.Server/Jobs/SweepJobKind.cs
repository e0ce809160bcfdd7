using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Compare;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Jobs;

/// <summary>"sweep": an A/B λ-sweep of vectors on a test set (<see cref="SweepJobParameters"/>, DESIGN §6). Idempotent: it
/// only computes (no sampling), and its result is only its JSON.</summary>
public sealed class SweepJobKind(IOptions<SteerLabOptions> options, ModelRoots modelRoots) : IJobKind
{
    public string Name => EngineJobKinds.Sweep;
    public bool IsIdempotent => true;

    public JobKindValidation Validate(JsonElement parameters)
    {
        var (p, refusal) = JobParameters.Parse<SweepJobParameters>(parameters);
        if (p is null) return refusal!;

        var errors = new FieldErrors();

        if (ModelRoots.CheckName(p.Model) is { } modelProblem) errors.Add("model", modelProblem);
        else if (options.Value.Engine.Mode == EngineOptions.InProcess && !modelRoots.TryResolve(p.Model, out _, out var problem)) errors.Add("model", problem!);
        if (string.IsNullOrWhiteSpace(p.TestSetPairsJson)) errors.Add("testSetPairsJson", "the test set has no questions");
        if (p.MaxQuestions is < 1 or > SweepRequest.MaxMaxQuestions) errors.Add("maxQuestions", $"must be between 1 and {SweepRequest.MaxMaxQuestions}, got {p.MaxQuestions}");
        if (p.Vectors is not { Length: > 0 and <= ICompareService.MaxVectors }) errors.Add("vectors", $"give 1 to {ICompareService.MaxVectors} vectors");
        else
            for (int i = 0; i < p.Vectors.Length; i++)
            {
                if (p.Vectors[i] is not { } vector || string.IsNullOrWhiteSpace(vector.VectorDocument)) { errors.Add($"vectors[{i}]", "the vector document is missing"); continue; }
                if (LambdaGridProblem(vector.Lambdas) is { } gridProblem) errors.Add($"vectors[{i}].lambdas", gridProblem);
                if (vector.Sae is { } sae && ModelRoots.CheckName(sae) is { } saeProblem) errors.Add($"vectors[{i}].sae", saeProblem.Replace("model", "SAE"));
            }

        return errors.Count > 0
            ? JobKindValidation.Invalid(errors)
            : JobKindValidation.Valid(JsonSerializer.Serialize(p, EngineJobJson.Options), p.Model);
    }

    /// <summary>Null when the grid is usable: 1 to <see cref="SweepRequest.MaxLambdas"/> finite numbers.</summary>
    public static string? LambdaGridProblem(IReadOnlyCollection<double>? lambdas) =>
        lambdas is not { Count: > 0 } ? "give at least one coefficient"
        : lambdas.Count > SweepRequest.MaxLambdas ? $"at most {SweepRequest.MaxLambdas} coefficients"
        : lambdas.Any(l => !double.IsFinite(l)) ? "every coefficient must be a finite number"
        : null;
}
