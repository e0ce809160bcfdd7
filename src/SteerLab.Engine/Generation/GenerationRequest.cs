using SteerLab.Engine.Hooks;

namespace SteerLab.Engine.Generation;

/// <summary>A batch of prompts to continue. Prompts of different lengths are left-padded with
/// <see cref="PadId"/> and masked, so each row gets the tokens it would get alone.</summary>
public sealed record GenerationRequest
{
    public required IReadOnlyList<IReadOnlyList<int>> Prompts { get; init; }
    public required int MaxNewTokens { get; init; }
    public SamplingSettings Sampling { get; init; } = SamplingSettings.Greedy;
    /// <summary>A row ends when it produces one of these (the stop token is not part of its output).</summary>
    public IReadOnlyCollection<int> StopIds { get; init; } = [];
    /// <summary>Interventions and readers applied at every forward, prompt and each generated token alike.</summary>
    public HookSet? Hooks { get; init; }
    public int PadId { get; init; }
    /// <summary>When &gt; 0, each generated token carries its logprob and this many most likely alternatives
    /// (<see cref="SampledLogprobs"/>, at most <see cref="SampledLogprobs.MaxTop"/>); 0 costs nothing.</summary>
    public int TopLogprobs { get; init; }
}

public enum FinishReason { Length, Stop }

/// <summary>One prompt's continuation.</summary>
public sealed record GeneratedSequence(IReadOnlyList<int> PromptIds, IReadOnlyList<int> NewIds, FinishReason Finish, int? StopId)
{
    public IReadOnlyList<int> AllIds => [.. PromptIds, .. NewIds];
}

/// <summary>A token as it is produced: row of the batch, its index among that row's new tokens, and its id; with
/// <see cref="GenerationRequest.TopLogprobs"/> &gt; 0 also how likely it and its alternatives were.</summary>
public sealed record GeneratedToken(int Row, int Index, int Id, bool IsStop, SampledLogprobs? Logprobs = null);
