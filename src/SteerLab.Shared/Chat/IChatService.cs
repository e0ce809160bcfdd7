using SteerLab.Shared.Engine;

namespace SteerLab.Shared.Chat;

/// <summary>Chat with a (steered) model: each answer is a "generate" job whose tokens stream back as they are made.
/// Implemented by the server over its job queue; the chat page uses nothing else.</summary>
public interface IChatService
{
    /// <summary>The most new tokens one answer may ask for (the server's SteerLab:Limits:MaxNewTokens); a request above
    /// it is refused.</summary>
    int MaxNewTokens => 4096;

    /// <summary>The model names the engine can load, sorted; the default model first when it is there.</summary>
    Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts the assistant's next turn and streams it: text deltas as they come, then one update with
    /// <see cref="ChatStreamUpdate.Finished"/> set. Cancelling the enumeration stops the generation.</summary>
    /// <exception cref="ChatRequestException">The request was refused (unknown model or vector, bad settings).</exception>
    /// <exception cref="ChatGenerationException">The generation failed or was stopped on the server.</exception>
    IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One assistant turn to generate.</summary>
/// <param name="Model">A model name from <see cref="IChatService.ListModelsAsync"/>.</param>
/// <param name="Messages">The conversation so far, ending with the user's message.</param>
/// <param name="Steering">The library vectors to turn on, each with its coefficient; empty = unsteered.</param>
/// <param name="Sampling">How tokens are picked.</param>
/// <param name="SteerAllPositions">Steer the prompt's positions too (default: only generated tokens).</param>
/// <param name="DeltaCorrection">SAS vectors keep the SAE's reconstruction error (Δ); off for ablations.</param>
/// <param name="TopLogprobs">When &gt; 0, every token streams with its logprob and this many most likely alternatives.</param>
public sealed record ChatRequest(
    string Model,
    IReadOnlyList<ChatTurn> Messages,
    IReadOnlyList<ChatSteering> Steering,
    ChatSampling Sampling,
    bool SteerAllPositions = false,
    bool DeltaCorrection = true,
    int TopLogprobs = 0);

/// <summary>A library vector turned on with coefficient <paramref name="Lambda"/> (negative steers away).</summary>
public sealed record ChatSteering(Guid VectorId, double Lambda);

/// <summary>Sampling settings. <paramref name="Temperature"/> 0 = greedy; <paramref name="TopP"/> 1 = off; the same
/// <paramref name="Seed"/> gives the same tokens.</summary>
public sealed record ChatSampling(int MaxNewTokens = 128, double Temperature = 0.7, double TopP = 0.95, long Seed = 0);

/// <summary>A piece of a streamed answer: new text (with its tokens' logprobs when the request asked for them), or
/// (last) the whole answer.</summary>
public sealed record ChatStreamUpdate(string Delta, ChatAnswer? Finished = null, IReadOnlyList<TokenLogprobs>? Tokens = null);

/// <summary>The finished answer.</summary>
/// <param name="Text">The whole generated text.</param>
/// <param name="FinishReason">"stop" (the model ended its turn) or "length" (the token limit was reached).</param>
/// <param name="PromptTokens">Tokens in the templated conversation.</param>
/// <param name="CompletionTokens">Tokens generated.</param>
/// <param name="Tokens">Every generated token with its logprobs, when the request asked for them.</param>
public sealed record ChatAnswer(string Text, string FinishReason, int PromptTokens, int CompletionTokens, IReadOnlyList<TokenLogprobs>? Tokens = null);

/// <summary>The request was refused before anything was generated; the message says why.</summary>
public sealed class ChatRequestException(string message) : Exception(message);

/// <summary>The generation started but did not finish (failed, cancelled on the server, engine lost).</summary>
public sealed class ChatGenerationException(string message) : Exception(message);
