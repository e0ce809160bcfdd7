namespace SteerLab.Shared.Engine;

/// <summary>Parameters of a "generate" job: continue one prompt (text, or token ids) with a model.</summary>
/// <param name="Model">A model folder relative to a model root ("stories260K", "google/gemma-2-2b").</param>
/// <param name="Prompt">Prompt text; needs a tokenizer in the model folder. Exactly one of this and
/// <paramref name="PromptIds"/>.</param>
/// <param name="PromptIds">The prompt as token ids (BOS included if wanted).</param>
/// <param name="MaxNewTokens">How many tokens to generate at most.</param>
/// <param name="Temperature">0 = greedy.</param>
/// <param name="TopK">0 = off.</param>
/// <param name="TopP">1 = off.</param>
/// <param name="Seed">Sampling seed: the same seed gives the same tokens.</param>
/// <param name="Messages">Instead of a prompt: a conversation, put through the model's chat template with the
/// assistant's turn opened.</param>
/// <param name="Steering">Vectors applied while generating, each with its coefficient.</param>
/// <param name="SteerPrompt">Steer the prompt's positions too (default: only generated tokens).</param>
/// <param name="DeltaCorrection">SAS vectors keep the SAE's reconstruction error (Δ); off for ablations.</param>
/// <param name="TopLogprobs">When &gt; 0 (at most 20), every generated token is reported with its logprob and this many
/// most likely alternatives (<see cref="TokenLogprobs"/>, in progress and result); 0 = off and free.</param>
/// <param name="Streamed">Started for a reader that streams it (the chat page, the OpenAI-compatible endpoint): after a
/// server restart nobody reads it any more, so a run the restart cut short is not run again. The engine ignores it.</param>
public sealed record GenerateJobParameters(
    string Model,
    string? Prompt = null,
    int[]? PromptIds = null,
    int MaxNewTokens = 64,
    double Temperature = 0,
    int TopK = 0,
    double TopP = 1.0,
    long Seed = 0,
    ChatTurn[]? Messages = null,
    SteeringKnobParameters[]? Steering = null,
    bool SteerPrompt = false,
    bool DeltaCorrection = true,
    int TopLogprobs = 0,
    bool Streamed = false);

/// <summary>One message of a conversation: role "system", "user" or "assistant".</summary>
public sealed record ChatTurn(string Role, string Content);

/// <summary>A steering vector turned on for a job.</summary>
/// <param name="VectorDocument">The steerlab.vector/1 JSON document.</param>
/// <param name="Lambda">Its coefficient (α for dense vectors, λ for SAS); negative steers away.</param>
/// <param name="Sae">For a sparse vector: its SAE folder, relative to a model root (e.g. "sae", "gemma-scope/layer_12").</param>
public sealed record SteeringKnobParameters(string VectorDocument, double Lambda, string? Sae = null);

/// <summary>What a "generate" job produced.</summary>
/// <param name="PromptIds">The prompt's token ids (encoded from the text when it was given as text).</param>
/// <param name="NewIds">The generated ids, without the stop token.</param>
/// <param name="Text">The generated text; null when the model has no tokenizer.</param>
/// <param name="Finish">"length" (max new tokens reached) or "stop" (a stop token was produced).</param>
/// <param name="StopId">The stop token, when <paramref name="Finish"/> is "stop".</param>
/// <param name="Logprobs">One entry per id of <paramref name="NewIds"/>, when <see cref="GenerateJobParameters.TopLogprobs"/> &gt; 0.</param>
public sealed record GenerateJobResult(
    string Model,
    int[] PromptIds,
    int[] NewIds,
    string? Text,
    string Finish,
    int? StopId,
    TokenLogprobs[]? Logprobs = null);
