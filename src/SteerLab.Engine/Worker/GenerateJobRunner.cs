using System.Text.Json;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of a "generate" job: loads (or re-uses) the model, encodes the prompt, generates, and
/// reports every token as progress — with its text when the model has a tokenizer.</summary>
static class GenerateJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, LoadedModels models, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<GenerateJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the generate job has no parameters");
        string modelName = request.Model ?? parameters.Model;
        string modelDir = roots.Resolve(modelName);
        progress(new EngineJobProgress(request.JobId, 0, $"loading {modelName}"));
        using var lease = models.Acquire(modelDir, cancellation);
        var tokenizer = lease.Tokenizer;

        IReadOnlyList<int> promptIds = parameters.PromptIds ?? EncodePrompt(parameters, lease, modelName);
        using var steering = JobSteering.Plan(parameters, lease.Model, roots);
        var stopIds = lease.Model.Config.EosIds.Concat(tokenizer?.StopIds ?? []).ToHashSet();
        var decoder = tokenizer is null ? null : new TokenStreamDecoder(tokenizer, promptIds);
        var text = new System.Text.StringBuilder();
        int max = parameters.MaxNewTokens;
        var generationRequest = new GenerationRequest
        {
            Prompts = [promptIds],
            MaxNewTokens = max,
            Sampling = new SamplingSettings(parameters.Temperature, parameters.TopK, parameters.TopP, parameters.Seed),
            StopIds = stopIds,
            Hooks = steering?.Hooks,
            TopLogprobs = parameters.TopLogprobs,
        };
        var logprobs = parameters.TopLogprobs > 0 ? new List<TokenLogprobs>() : null;
        var sequence = new TokenGenerator(lease.Model).Generate(generationRequest, token =>
        {
            if (token.IsStop) return;
            // Alternatives are decoded before the chosen id joins the decoder, i.e. after the same context.
            var alternatives = token.Logprobs?.Top.Select(a => new TokenAlternativeLogprob(a.Id, AlternativeText(tokenizer, decoder, a.Id), a.Logprob)).ToArray();
            string? delta = decoder?.Push(token.Id);
            text.Append(delta);
            TokenLogprobs[]? reported = null;
            if (token.Logprobs is { } sampled)
            {
                reported = [new TokenLogprobs(token.Id, delta, sampled.Logprob, alternatives!)];
                logprobs!.Add(reported[0]);
            }
            progress(new EngineJobProgress(request.JobId, (token.Index + 1) / (double)max, $"token {token.Index + 1}/{max}", [token.Id], delta, reported));
        }, cancellation)[0];
        if (decoder is not null)
        {
            string rest = decoder.Flush();
            text.Append(rest);
            if (rest.Length > 0) progress(new EngineJobProgress(request.JobId, 1, "done", [], rest));
        }

        var result = new GenerateJobResult(
            modelName,
            [.. sequence.PromptIds],
            [.. sequence.NewIds],
            tokenizer is null ? null : text.ToString(),
            sequence.Finish == FinishReason.Stop ? "stop" : "length",
            sequence.StopId,
            logprobs?.ToArray());
        return JsonSerializer.Serialize(result, EngineJobJson.Options);
    }

    /// <summary>An alternative's text as it would follow the previous token: decoding it alone would lose a
    /// SentencePiece word's leading space, so decode it after the last id and keep what it adds.</summary>
    static string? AlternativeText(ITextTokenizer? tokenizer, TokenStreamDecoder? decoder, int id)
    {
        if (tokenizer is null || decoder is null) return null;
        if (decoder.Ids.Count == 0) return tokenizer.Decode([id]);
        int previous = decoder.Ids[^1];
        string before = tokenizer.Decode([previous]), after = tokenizer.Decode([previous, id]);
        return after.StartsWith(before, StringComparison.Ordinal) ? after[before.Length..] : tokenizer.Decode([id]);
    }

    /// <summary>The prompt text, or the conversation through the model's chat template (which may add BOS itself).</summary>
    static IReadOnlyList<int> EncodePrompt(GenerateJobParameters parameters, ModelLease lease, string modelName)
    {
        var tokenizer = lease.Tokenizer ?? throw new ArgumentException($"model '{modelName}' has no tokenizer: give the prompt as token ids");
        if (parameters.Messages is not { } messages) return tokenizer.Encode(parameters.Prompt ?? "", addBos: true);
        var template = lease.ChatTemplate;
        string text = template.Apply(messages.Select(m => new ChatMessage(m.Role, m.Content)).ToList(), addGenerationPrompt: true);
        return tokenizer.Encode(text, addBos: !template.IncludesBos);
    }
}
