using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Jobs;

/// <summary>"feature-dashboard": dashboards of some SAE features over a corpus (<see cref="FeatureDashboardJobParameters"/>).
/// Idempotent: it only computes; its result is the JSON.</summary>
public sealed class FeatureDashboardJobKind(IOptions<SteerLabOptions> options, ModelRoots modelRoots) : IJobKind
{
    public const int MaxCorpusNameLength = 500;

    public string Name => EngineJobKinds.FeatureDashboard;
    public bool IsIdempotent => true;

    public JobKindValidation Validate(JsonElement parameters)
    {
        var (p, refusal) = JobParameters.Parse<FeatureDashboardJobParameters>(parameters);
        if (p is null) return refusal!;

        var errors = new FieldErrors();
        void Range(string name, int value, int min, int max) { if (value < min || value > max) errors.Add(name, $"must be between {min} and {max}, got {value}"); }
        bool inProcess = options.Value.Engine.Mode == EngineOptions.InProcess;

        if (ModelRoots.CheckName(p.Model) is { } modelProblem) errors.Add("model", modelProblem);
        else if (inProcess && !modelRoots.TryResolve(p.Model, out _, out var problem)) errors.Add("model", problem!);
        if (ModelRoots.CheckName(p.Sae) is { } saeProblem) errors.Add("sae", saeProblem.Replace("model", "SAE"));
        else if (inProcess) { try { modelRoots.ResolveSae(p.Sae); } catch (ModelPathException e) { errors.Add("sae", e.Message); } }
        if (p.Hook is not null && !HookPoint.TryParse(p.Hook, out _)) errors.Add("hook", $"'{p.Hook}' is not a hook point (e.g. blocks.1.hook_resid_post)");
        if (p.Features is not { Length: > 0 }) errors.Add("features", "name at least one feature");
        else if (p.Features.Length > FeatureDashboardJobParameters.MaxFeatures) errors.Add("features", $"at most {FeatureDashboardJobParameters.MaxFeatures} features per job, got {p.Features.Length}");
        else if (p.Features.Any(f => f < 0)) errors.Add("features", "feature indices are ≥ 0");
        else if (p.Features.Distinct().Count() != p.Features.Length) errors.Add("features", "a feature is named twice");
        if (string.IsNullOrWhiteSpace(p.CorpusName)) errors.Add("corpusName", "say what the corpus is");
        else if (p.CorpusName.Length > MaxCorpusNameLength) errors.Add("corpusName", $"at most {MaxCorpusNameLength} characters");
        if (p.Texts is not { Length: > 0 }) errors.Add("texts", "the corpus has no texts");
        else if (p.Texts.Length > FeatureDashboardJobParameters.MaxTexts) errors.Add("texts", $"at most {FeatureDashboardJobParameters.MaxTexts} texts, got {p.Texts.Length}");
        else if (Array.FindIndex(p.Texts, t => t is null || t.Length > FeatureDashboardJobParameters.MaxTextChars) is var bad and >= 0)
            errors.Add("texts", $"texts[{bad}] is missing or longer than {FeatureDashboardJobParameters.MaxTextChars} characters");
        Range("topContexts", p.TopContexts, 1, FeatureDashboardJobParameters.MaxTopContexts);
        Range("histogramBins", p.HistogramBins, 2, FeatureDashboardJobParameters.MaxHistogramBins);
        Range("contextBefore", p.ContextBefore, 0, FeatureDashboardJobParameters.MaxContextTokens);
        Range("contextAfter", p.ContextAfter, 0, FeatureDashboardJobParameters.MaxContextTokens);
        Range("topLogits", p.TopLogits, 0, FeatureDashboardJobParameters.MaxTopLogits);
        Range("maxTokensPerText", p.MaxTokensPerText, 2, FeatureDashboardJobParameters.MaxTokensLimit);

        return errors.Count > 0
            ? JobKindValidation.Invalid(errors)
            : JobKindValidation.Valid(JsonSerializer.Serialize(p, EngineJobJson.Options), p.Model);
    }
}
