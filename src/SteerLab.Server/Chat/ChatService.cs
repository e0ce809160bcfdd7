using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Chat;

/// <summary>The chat page's <see cref="IChatService"/>: each answer is a "generate" job over the conversation (the
/// model's chat template applies), steered by library vectors, its tokens relayed as they are published. Sends count
/// against the user's generation rate limit, shared with the REST and OpenAI-compatible endpoints.</summary>
public sealed class ChatService(
    GenerateJobRelay jobs,
    IDbContextFactory<SteerLabDbContext> databases,
    ModelRoots modelRoots,
    Accounts.TeamScope scope,
    Limits.GenerationRateLimiter rateLimiter,
    IOptions<SteerLabOptions> options) : IChatService
{
    public int MaxNewTokens => options.Value.Limits.MaxNewTokens;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        // Discover walks the model roots on disk: off the circuit's thread.
        return Task.Run<IReadOnlyList<string>>(() =>
        {
            var names = modelRoots.Discover();
            return names.Contains(DemoAssets.ModelName) ? [DemoAssets.ModelName, .. names.Where(n => n != DemoAssets.ModelName)] : names;
        }, cancellationToken);
    }

    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Generating runs a job: an editor's right, as for every job.
        var caller = await scope.RequireAsync(SteerLab.Shared.Accounts.TeamRoles.Editor, cancellationToken);
        if (rateLimiter.TryAcquire(caller.UserId) is { Acquired: false } refused)
            throw new ChatRequestException($"too many generation requests: {rateLimiter.Describe()}; try again in " +
                $"{Math.Max(1, Math.Ceiling(refused.RetryAfter?.TotalSeconds ?? rateLimiter.Rate.ReplenishmentPeriod.TotalSeconds))} s");
        var (knobs, steeringError) = await LibrarySteering.ResolveAsync(
            request.Steering.Select(s => (s.VectorId, s.Lambda)).ToList(), caller.TeamId, databases, cancellationToken);
        if (steeringError is not null) throw new ChatRequestException(steeringError);
        var parameters = new GenerateJobParameters(
            request.Model,
            MaxNewTokens: request.Sampling.MaxNewTokens,
            Temperature: request.Sampling.Temperature,
            TopP: request.Sampling.TopP,
            Seed: request.Sampling.Seed,
            Messages: [.. request.Messages],
            Steering: knobs is { Length: > 0 } ? knobs : null,
            SteerPrompt: request.SteerAllPositions,
            DeltaCorrection: request.DeltaCorrection,
            TopLogprobs: request.TopLogprobs);

        GenerateJobRun? run;
        string? error;
        try { (run, error) = await jobs.StartAsync(parameters, caller.TeamId); }
        catch (JobQuotaExceededException full) { throw new ChatRequestException(full.Message); }
        if (run is null) throw new ChatRequestException(error!);
        using (run)
        {
            await foreach (var update in run.ReadUntilFinalAsync(cancellationToken))
                if (!string.IsNullOrEmpty(update.Text) || update.Logprobs is { Length: > 0 })
                    yield return new ChatStreamUpdate(update.Text ?? "", Tokens: update.Logprobs);

            var (result, failure) = await run.ResultAsync();
            if (result is null) throw new ChatGenerationException(failure!);
            yield return new ChatStreamUpdate("", new ChatAnswer(result.Text ?? "", result.Finish == "stop" ? "stop" : "length",
                result.PromptIds.Length, result.NewIds.Length, result.Logprobs));
        }
    }
}
