using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Hooks;

/// <summary>Which tokens a hook may touch.</summary>
public enum PositionScope { All, Prompt, Generated }

/// <summary>Where each entry of a [batch, seq] activation sits in its sequence: its position among the row's
/// real tokens (negative for left padding) and the row's prompt length, so hooks can select prompt or
/// generated tokens.</summary>
public sealed class TokenPositions
{
    /// <summary>[batch, seq] int64: 0-based position among the row's real tokens; negative on left padding.</summary>
    public Tensor Positions { get; }
    /// <summary>Prompt length (real tokens) of each row.</summary>
    public IReadOnlyList<int> PromptLengths { get; }
    readonly long[] rowMin, rowMax;

    public TokenPositions(Tensor positions, IReadOnlyList<int> promptLengths, long[] rowMin, long[] rowMax)
    {
        Positions = positions;
        PromptLengths = promptLengths;
        this.rowMin = rowMin;
        this.rowMax = rowMax;
    }

    /// <summary>True if no token of this chunk is in <paramref name="scope"/> (the hook can be skipped).</summary>
    public bool NoneIn(PositionScope scope) => scope switch
    {
        PositionScope.Prompt => Enumerable.Range(0, rowMin.Length).All(b => rowMin[b] >= PromptLengths[b] || rowMax[b] < 0),
        PositionScope.Generated => Enumerable.Range(0, rowMin.Length).All(b => rowMax[b] < PromptLengths[b]),
        _ => rowMax.All(max => max < 0),
    };

    /// <summary>True if every real token of this chunk is in <paramref name="scope"/>.</summary>
    public bool AllIn(PositionScope scope) => scope switch
    {
        PositionScope.Prompt => Enumerable.Range(0, rowMin.Length).All(b => rowMin[b] >= 0 && rowMax[b] < PromptLengths[b]),
        PositionScope.Generated => Enumerable.Range(0, rowMin.Length).All(b => rowMin[b] >= PromptLengths[b]),
        _ => rowMin.All(min => min >= 0),
    };

    /// <summary>[batch, seq] bool: the tokens in <paramref name="scope"/> (padding is never selected).</summary>
    public Tensor Select(PositionScope scope)
    {
        using var lengths = tensor(PromptLengths.Select(l => (long)l).ToArray()).unsqueeze(1);
        return scope switch
        {
            PositionScope.Prompt => Positions.ge(TorchScalars.Zero).logical_and_(Positions.lt(lengths)),
            PositionScope.Generated => Positions.ge(lengths),
            _ => Positions.ge(TorchScalars.Zero),
        };
    }
}
