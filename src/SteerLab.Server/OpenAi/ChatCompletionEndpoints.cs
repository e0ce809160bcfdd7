using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;
using SteerLab.Server.Chat;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.OpenAi;

/// <summary><c>POST /v1/chat/completions</c>, OpenAI-compatible (streaming and not), so any OpenAI client can talk to a
/// steered model. Each request is a persisted "generate" job — so it runs in-process or on a remote worker like any
/// other — and a streamed answer relays the job's token deltas as server-sent events. The <c>steering</c> extension
/// (<c>[{"vector_id": …, "lambda": …}]</c>) turns library vectors on.</summary>
public static class ChatCompletionEndpoints
{
    public const int DefaultMaxTokens = 256;
    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static IEndpointRouteBuilder MapChatCompletions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/chat/completions", CompleteAsync).WithTags("OpenAI-compatible");
        return endpoints;
    }

    static async Task CompleteAsync(HttpContext http, ChatCompletionRequest request, IDbContextFactory<SteerLabDbContext> databases,
        GenerateJobRelay jobs, Accounts.TeamScope scope, Microsoft.Extensions.Options.IOptions<SteerLabOptions> options, CancellationToken cancellation)
    {
        var caller = await scope.RequireAsync(SteerLab.Shared.Accounts.TeamRoles.Editor, cancellation);
        var (parameters, error) = await ToJobParametersAsync(request, caller.TeamId, options.Value.Limits.MaxNewTokens, databases, cancellation);
        if (error is not null) { await WriteErrorAsync(http, 400, error, "invalid_request_error"); return; }
        var (run, refused) = await jobs.StartAsync(parameters!, caller.TeamId);
        if (run is null) { await WriteErrorAsync(http, 400, refused!, "invalid_request_error"); return; }
        using var _ = run;
        string id = $"chatcmpl-{run.JobId:N}";
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        try
        {
            if (request.Stream) await StreamAsync(http, run, id, created, parameters!.Model, request, cancellation);
            else await foreach (var update in run.ReadUntilFinalAsync(cancellation)) { }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return; // the client went away; the run has asked the job to stop generating
        }

        var (result, failure) = await run.ResultAsync();
        if (result is null)
        {
            if (request.Stream) await WriteEventAsync(http, new { error = new { message = failure, type = "server_error" } });
            else await WriteErrorAsync(http, 500, failure!, "server_error");
            return;
        }
        string finish = result.Finish == "stop" ? "stop" : "length";
        var usage = new { prompt_tokens = result.PromptIds.Length, completion_tokens = result.NewIds.Length, total_tokens = result.PromptIds.Length + result.NewIds.Length };
        if (request.Stream)
        {
            await WriteEventAsync(http, Chunk(id, created, result.Model, new { }, finish, usage));
            await http.Response.WriteAsync("data: [DONE]\n\n", CancellationToken.None);
            return;
        }
        await http.Response.WriteAsJsonAsync(new
        {
            id, @object = "chat.completion", created, model = result.Model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = result.Text ?? "" }, logprobs = OpenAiLogprobs.Of(result.Logprobs, request), finish_reason = finish } },
            usage,
        }, CancellationToken.None);
    }

    static async Task StreamAsync(HttpContext http, GenerateJobRun run, string id, long created, string model, ChatCompletionRequest request, CancellationToken cancellation)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await WriteEventAsync(http, Chunk(id, created, model, new { role = "assistant", content = "" }, null, null));
        await foreach (var update in run.ReadUntilFinalAsync(cancellation))
            if (!string.IsNullOrEmpty(update.Text) || update.Logprobs is { Length: > 0 })
                await WriteEventAsync(http, Chunk(id, created, model, new { content = update.Text ?? "" }, null, null, OpenAiLogprobs.Of(update.Logprobs, request)));
    }

    static object Chunk(string id, long created, string model, object delta, string? finishReason, object? usage, object? logprobs = null) => new
    {
        id, @object = "chat.completion.chunk", created, model,
        choices = new[] { new { index = 0, delta, logprobs, finish_reason = finishReason } },
        usage,
    };

    static async Task WriteEventAsync(HttpContext http, object payload)
    {
        await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(payload, Json)}\n\n", CancellationToken.None);
        await http.Response.Body.FlushAsync(CancellationToken.None);
    }

    static async Task WriteErrorAsync(HttpContext http, int status, string message, string type)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(new { error = new { message, type, param = (string?)null, code = (string?)null } }, CancellationToken.None);
    }

    /// <summary>The request as generate-job parameters, with each steering vector's document (and SAE) looked up in the library.</summary>
    static async Task<(GenerateJobParameters? Parameters, string? Error)> ToJobParametersAsync(ChatCompletionRequest request,
        Guid teamId, int maxNewTokens, IDbContextFactory<SteerLabDbContext> databases, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(request.Model)) return (null, "'model' is required");
        // Refused rather than cut short, as OpenAI refuses a max_tokens past the model's context.
        string maxTokensName = request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens";
        if ((request.MaxCompletionTokens ?? request.MaxTokens) is { } asked && (asked < 1 || asked > maxNewTokens))
            return (null, $"'{maxTokensName}' is {asked}; this server generates 1 to {maxNewTokens} tokens per request ({Limits.LimitOptions.SectionName}:MaxNewTokens)");
        if (request.Messages is not { Count: > 0 } messages) return (null, "'messages' must hold at least one message");
        if (request.N is > 1) return (null, "'n' > 1 is not supported");
        if (request.TopLogprobs is { } top && (top < 0 || top > OpenAiLogprobs.MaxTop)) return (null, $"'top_logprobs' must be between 0 and {OpenAiLogprobs.MaxTop}");
        if (request.TopLogprobs is not null && request.Logprobs != true) return (null, "'top_logprobs' needs 'logprobs': true");
        var turns = new List<ChatTurn>();
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].Text() is not { } text) return (null, $"messages[{i}].content must be a string or text parts");
            string role = messages[i].Role == "developer" ? "system" : messages[i].Role ?? "";
            turns.Add(new ChatTurn(role, text));
        }
        if (request.SteeringPositions is not (null or "generated" or "all")) return (null, "'steering_positions' must be \"generated\" or \"all\"");
        var (knobs, steeringError) = await LibrarySteering.ResolveAsync(
            request.Steering?.Select(s => (s.VectorId, s.Lambda)).ToList() ?? [], teamId, databases, cancellation);
        if (steeringError is not null) return (null, steeringError);
        return (new GenerateJobParameters(
            request.Model,
            MaxNewTokens: request.MaxCompletionTokens ?? request.MaxTokens ?? Math.Min(DefaultMaxTokens, maxNewTokens),
            Temperature: request.Temperature ?? 1.0,
            TopP: request.TopP ?? 1.0,
            Seed: request.Seed ?? Random.Shared.NextInt64(),
            Messages: [.. turns],
            Steering: knobs!.Length > 0 ? knobs : null,
            SteerPrompt: request.SteeringPositions == "all",
            TopLogprobs: OpenAiLogprobs.EngineTop(request)), null);
    }
}
