using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Worker;
using SteerLab.Server.Datasets;
using SteerLab.Shared.Compare;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Jobs;

/// <summary>"side-effects": perplexity inflation on held-out text and accuracy on A/B benchmarks under each vector and λ
/// (<see cref="SideEffectsJobParameters"/>, DESIGN §6). Idempotent: it only computes (teacher-forced perplexity and
/// answer-letter probabilities, nothing sampled), and its result is only its JSON.</summary>
public sealed class SideEffectsJobKind(IOptions<SteerLabOptions> options, IOptions<DatasetOptions> datasetOptions, ModelRoots modelRoots) : IJobKind
{
    public const int MinWindowTokens = 8;
    public const int MaxWindowTokens = 1024;
    public const int MaxMaxWindows = 1000;
    public const int MaxBenchmarks = 8;
    public const int MaxNameCharacters = 200;
    /// <summary>More text than the most windows could use (1000 × 1024 tokens, a few characters each) is a mistake.</summary>
    public const long MaxHeldOutCharacters = 20_000_000;

    public string Name => EngineJobKinds.SideEffects;
    public bool IsIdempotent => true;

    public JobKindValidation Validate(JsonElement parameters)
    {
        var (p, refusal) = JobParameters.Parse<SideEffectsJobParameters>(parameters);
        if (p is null) return refusal!;
        var check = new EvaluationJobChecks(options.Value.Engine.Mode == EngineOptions.InProcess, modelRoots);
        check.Model("model", p.Model);
        check.Vectors(p.Vectors);

        var texts = p.HeldOutTexts ?? [];
        var benchmarks = p.Benchmarks ?? [];
        bool hasText = texts.Any(t => !string.IsNullOrWhiteSpace(t));
        if (!hasText && benchmarks.Length == 0) check.Add("heldOutTexts", "give held-out text, at least one benchmark, or both");
        if (texts.Any(t => t is null)) check.Add("heldOutTexts", "a text is missing (null)");
        else if (texts.Length > 0 && !hasText) check.Add("heldOutTexts", "every held-out text is empty (send none for no perplexity)");
        if (texts.Sum(t => (long)(t?.Length ?? 0)) > MaxHeldOutCharacters) check.Add("heldOutTexts", $"more than {MaxHeldOutCharacters} characters of held-out text");
        if (hasText && (string.IsNullOrWhiteSpace(p.HeldOutName) || p.HeldOutName.Length > MaxNameCharacters))
            check.Add("heldOutName", $"give the held-out text a name of 1 to {MaxNameCharacters} characters");
        if (p.WindowTokens is < MinWindowTokens or > MaxWindowTokens) check.Add("windowTokens", $"must be between {MinWindowTokens} and {MaxWindowTokens}, got {p.WindowTokens}");
        if (p.MaxWindows is < 1 or > MaxMaxWindows) check.Add("maxWindows", $"must be between 1 and {MaxMaxWindows}, got {p.MaxWindows}");

        if (benchmarks.Length > MaxBenchmarks) check.Add("benchmarks", $"at most {MaxBenchmarks} benchmarks");
        else
            for (int i = 0; i < benchmarks.Length; i++)
            {
                if (benchmarks[i] is not { } benchmark) { check.Add($"benchmarks[{i}]", "missing"); continue; }
                if (string.IsNullOrWhiteSpace(benchmark.Name) || benchmark.Name.Length > MaxNameCharacters)
                    check.Add($"benchmarks[{i}].name", $"give the benchmark a name of 1 to {MaxNameCharacters} characters");
                if (benchmark.MaxQuestions is < 1 or > SweepRequest.MaxMaxQuestions)
                    check.Add($"benchmarks[{i}].maxQuestions", $"must be between 1 and {SweepRequest.MaxMaxQuestions}, got {benchmark.MaxQuestions}");
                check.AbPairs($"benchmarks[{i}].pairsJson", benchmark.PairsJson, $"benchmark '{benchmark.Name}'", datasetOptions.Value.ReaderLimits);
            }
        return check.Result(p, p.Model);
    }
}
