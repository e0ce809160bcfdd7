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

        IReadOnlyList<int> promptIds = parameters.PromptIds
            ?? (tokenizer ?? throw new ArgumentException($"model '{modelName}' has no tokenizer: give the prompt as token ids")).Encode(parameters.Prompt ?? "", addBos: true);
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
        };
        var sequence = new TokenGenerator(lease.Model).Generate(generationRequest, token =>
        {
            if (token.IsStop) return;
            string? delta = decoder?.Push(token.Id);
            text.Append(delta);
            progress(new EngineJobProgress(request.JobId, (token.Index + 1) / (double)max, $"token {token.Index + 1}/{max}", [token.Id], delta));
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
            sequence.StopId);
        return JsonSerializer.Serialize(result, EngineJobJson.Options);
    }
}
