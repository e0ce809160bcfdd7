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
        if (parameters.ValueKind != JsonValueKind.Object) return Refuse("parameters", "the parameters must be a JSON object");
        FeatureDashboardJobParameters? p;
        try { p = parameters.Deserialize<FeatureDashboardJobParameters>(EngineJobJson.Options); }
        catch (JsonException e) { return Refuse("parameters", e.Message); }
        if (p is null) return Refuse("parameters", "the parameters must be a JSON object");

        var errors = new Dictionary<string, string[]>();
        void Add(string name, string problem) => errors[name] = [.. errors.GetValueOrDefault(name) ?? [], problem];
        void Range(string name, int value, int min, int max) { if (value < min || value > max) Add(name, $"must be between {min} and {max}, got {value}"); }
        bool inProcess = options.Value.Engine.Mode == EngineOptions.InProcess;

        if (ModelRoots.CheckName(p.Model) is { } modelProblem) Add("model", modelProblem);
        else if (inProcess && !modelRoots.TryResolve(p.Model, out _, out var problem)) Add("model", problem!);
        if (ModelRoots.CheckName(p.Sae) is { } saeProblem) Add("sae", saeProblem.Replace("model", "SAE"));
        else if (inProcess) { try { modelRoots.ResolveSae(p.Sae); } catch (ModelPathException e) { Add("sae", e.Message); } }
        if (p.Hook is not null && !HookPoint.TryParse(p.Hook, out _)) Add("hook", $"'{p.Hook}' is not a hook point (e.g. blocks.1.hook_resid_post)");
        if (p.Features is not { Length: > 0 }) Add("features", "name at least one feature");
        else if (p.Features.Length > FeatureDashboardJobParameters.MaxFeatures) Add("features", $"at most {FeatureDashboardJobParameters.MaxFeatures} features per job, got {p.Features.Length}");
        else if (p.Features.Any(f => f < 0)) Add("features", "feature indices are ≥ 0");
        else if (p.Features.Distinct().Count() != p.Features.Length) Add("features", "a feature is named twice");
        if (string.IsNullOrWhiteSpace(p.CorpusName)) Add("corpusName", "say what the corpus is");
        else if (p.CorpusName.Length > MaxCorpusNameLength) Add("corpusName", $"at most {MaxCorpusNameLength} characters");
        if (p.Texts is not { Length: > 0 }) Add("texts", "the corpus has no texts");
        else if (p.Texts.Length > FeatureDashboardJobParameters.MaxTexts) Add("texts", $"at most {FeatureDashboardJobParameters.MaxTexts} texts, got {p.Texts.Length}");
        else if (Array.FindIndex(p.Texts, t => t is null || t.Length > FeatureDashboardJobParameters.MaxTextChars) is var bad and >= 0)
            Add("texts", $"texts[{bad}] is missing or longer than {FeatureDashboardJobParameters.MaxTextChars} characters");
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

    static JobKindValidation Refuse(string name, string problem) => JobKindValidation.Invalid(new Dictionary<string, string[]> { [name] = [problem] });
}
