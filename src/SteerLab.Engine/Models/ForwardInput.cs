using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using static TorchSharp.torch;

namespace SteerLab.Engine.Models;

/// <summary>One forward call: a [batch, seq] chunk of token ids, optionally continuing a KV cache.
/// <see cref="PadCounts"/> gives each row's left padding (in columns, counted from the first column of the
/// whole sequence); <see cref="PromptLengths"/> each row's prompt length in real tokens (so hooks can tell
/// prompt from generated tokens). Both default to "no padding, the whole input is prompt".</summary>
public sealed class ForwardInput
{
    public required Tensor InputIds { get; init; }
    public KvCache? Cache { get; init; }
    public IReadOnlyList<int>? PadCounts { get; init; }
    public IReadOnlyList<int>? PromptLengths { get; init; }
    public HookSet? Hooks { get; init; }
    /// <summary>Compute logits for the last column only (generation needs no more; saves a vocab-sized matmul per token).</summary>
    public bool LastLogitsOnly { get; init; }
}
