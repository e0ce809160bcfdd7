using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Jobs;

/// <summary>"generate": continue a prompt with a model (<see cref="GenerateJobParameters"/>). Idempotent: it only
/// computes, and greedy or seeded sampling gives the same tokens when it is run again.</summary>
public sealed class GenerateJobKind(IOptions<SteerLabOptions> options, ModelRoots modelRoots) : IJobKind
{
    public const int MaxPromptTokens = 32_768;
    public const int MaxPromptCharacters = 200_000;
    public const int MaxMessages = 256;
    public const int MaxSteeringVectors = 16;
    public const int MaxTopLogprobs = 20;

    public string Name => EngineJobKinds.Generate;
    public bool IsIdempotent => true;

    /// <summary>A streamed generation's reader was in the old process; one started through /api/jobs is read back later.</summary>
    public bool RunAgainAfterRestart(string parametersJson)
    {
        try { return JsonSerializer.Deserialize<GenerateJobParameters>(parametersJson, EngineJobJson.Options)?.Streamed != true; }
        catch (JsonException) { return true; }
    }

    public JobKindValidation Validate(JsonElement parameters)
    {
        var errors = new FieldErrors();

        var (p, refusal) = JobParameters.Parse<GenerateJobParameters>(parameters);
        if (p is null) return refusal!;

        var settings = options.Value;
        if (ModelRoots.CheckName(p.Model) is { } nameProblem) errors.Add("model", nameProblem);
        else if (settings.Engine.Mode == EngineOptions.InProcess && !modelRoots.TryResolve(p.Model, out _, out var problem)) errors.Add("model", problem!);

        int prompts = (p.Prompt is null ? 0 : 1) + (p.PromptIds is null ? 0 : 1) + (p.Messages is null ? 0 : 1);
        if (prompts != 1) errors.Add("prompt", "give exactly one of prompt (text), promptIds (token ids) and messages (a conversation)");
        if (p.Messages is { } messages)
        {
            if (messages.Length is 0 or > MaxMessages) errors.Add("messages", $"give 1 to {MaxMessages} messages");
            if (messages.Any(m => m is null || m.Role is not ("system" or "user" or "assistant"))) errors.Add("messages", "each message needs a role: system, user or assistant");
            if (messages.Sum(m => (long)(m?.Content?.Length ?? 0)) > MaxPromptCharacters) errors.Add("messages", $"the conversation is longer than {MaxPromptCharacters} characters");
        }
        if (p.Steering is { } steering)
        {
            if (steering.Length > MaxSteeringVectors) errors.Add("steering", $"at most {MaxSteeringVectors} vectors at once");
            for (int i = 0; i < steering.Length; i++)
            {
                if (steering[i] is not { } knob || string.IsNullOrWhiteSpace(knob.VectorDocument)) { errors.Add($"steering[{i}]", "the vector document is missing"); continue; }
                if (!double.IsFinite(knob.Lambda)) errors.Add($"steering[{i}].lambda", "must be a finite number");
                if (knob.Sae is { } sae && ModelRoots.CheckName(sae) is { } saeProblem) errors.Add($"steering[{i}].sae", saeProblem);
            }
        }
        if (p.Prompt is { Length: > MaxPromptCharacters }) errors.Add("prompt", $"the prompt is longer than {MaxPromptCharacters} characters");
        if (p.PromptIds is { } ids)
        {
            if (ids.Length is 0 or > MaxPromptTokens) errors.Add("promptIds", $"give 1 to {MaxPromptTokens} token ids");
            if (ids.Any(id => id < 0)) errors.Add("promptIds", "token ids must be ≥ 0");
        }
        // Refused, never cut short: a caller asking for more than the server allows should know it gets less.
        if (p.MaxNewTokens < 1 || p.MaxNewTokens > settings.Limits.MaxNewTokens)
            errors.Add("maxNewTokens", $"must be between 1 and {settings.Limits.MaxNewTokens} (the server's limit, {Limits.LimitOptions.SectionName}:MaxNewTokens), got {p.MaxNewTokens}");
        if (!double.IsFinite(p.Temperature) || p.Temperature < 0 || p.Temperature > 100) errors.Add("temperature", $"must be a number in [0, 100] (0 = greedy), got {p.Temperature}");
        if (p.TopK < 0) errors.Add("topK", $"must be ≥ 0 (0 = off), got {p.TopK}");
        if (!(p.TopP > 0 && p.TopP <= 1)) errors.Add("topP", $"must be in (0, 1], got {p.TopP}");
        if (p.TopLogprobs is < 0 or > MaxTopLogprobs) errors.Add("topLogprobs", $"must be between 0 and {MaxTopLogprobs}, got {p.TopLogprobs}");

        return errors.Count > 0
            ? JobKindValidation.Invalid(errors)
            : JobKindValidation.Valid(JsonSerializer.Serialize(p, EngineJobJson.Options), p.Model);
    }
}
