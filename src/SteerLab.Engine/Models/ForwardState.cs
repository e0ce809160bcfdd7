using SteerLab.Engine.Hooks;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Models;

/// <summary>What every layer of one forward call shares: token positions (for RoPE, learned position
/// embeddings and hooks), the attention masks and the hooks. Built once per call.</summary>
sealed class ForwardState
{
    public required long Batch { get; init; }
    public required long Seq { get; init; }
    /// <summary>Columns already in the cache before this chunk.</summary>
    public required long StartColumn { get; init; }
    /// <summary>[batch, seq] int64 positions among real tokens, clamped at 0 on padding (what RoPE/wpe use).</summary>
    public required Tensor RopePositions { get; init; }
    public required TokenPositions Tokens { get; init; }
    /// <summary>[batch, 1, seq, keys] bool (true = may attend), or null when every key is visible.</summary>
    public required Tensor? Mask { get; init; }
    /// <summary>As <see cref="Mask"/> with a sliding window applied (Gemma-2 even layers), or null.</summary>
    public Tensor? SlidingMask { get; init; }
    public HookSet? Hooks { get; init; }
    public bool IsPrefill => StartColumn == 0;

    public Tensor Hook(int layer, HookKind kind, Tensor activation) =>
        Hooks is null ? activation : Hooks.Run(new HookPoint(layer, kind), activation, Tokens, IsPrefill);

    public static ForwardState Create(ForwardInput input, Device device, int? slidingWindow)
    {
        long batch = input.InputIds.shape[0], seq = input.InputIds.shape[1];
        long start = input.Cache?.Length ?? 0;
        var pads = input.PadCounts ?? Enumerable.Repeat(0, (int)batch).ToArray();
        var promptLengths = input.PromptLengths ?? Enumerable.Repeat((int)(start + seq), (int)batch).ToArray();
        if (pads.Count != batch || promptLengths.Count != batch)
            throw new ArgumentException($"PadCounts and PromptLengths need one entry per row ({batch})");

        var positions = new long[batch * seq];
        long[] rowMin = new long[batch], rowMax = new long[batch];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < seq; t++) positions[b * seq + t] = start + t - pads[b];
            rowMin[b] = start - pads[b];
            rowMax[b] = start + seq - 1 - pads[b];
        }
        var tokenPositions = tensor(positions, [batch, seq], device: device);
        var ropePositions = tokenPositions.clamp_min(TorchScalars.Zero);

        long keys = start + seq;
        bool anyPadding = pads.Any(p => p > 0);
        Tensor? mask = seq == 1 && !anyPadding ? null : CausalMask(start, seq, keys, pads, device, window: null);
        Tensor? sliding = slidingWindow is int w && keys > w ? CausalMask(start, seq, keys, pads, device, w) : null;
        return new ForwardState
        {
            Batch = batch,
            Seq = seq,
            StartColumn = start,
            RopePositions = ropePositions,
            Tokens = new TokenPositions(tokenPositions, promptLengths, rowMin, rowMax),
            Mask = mask,
            SlidingMask = sliding ?? (slidingWindow is null ? null : mask),
            Hooks = input.Hooks,
        };
    }

    /// <summary>Query column q (= start + t) may see key column k when k ≤ q, k is not padding, and (with a
    /// window) q − k &lt; window. A padding query sees itself only, so its softmax is never empty.</summary>
    static Tensor CausalMask(long start, long seq, long keys, IReadOnlyList<int> pads, Device device, int? window)
    {
        using var scope = NewDisposeScope();
        using var first = start.ToScalar();
        using var end = (start + seq).ToScalar();
        using var keyCount = keys.ToScalar();
        var q = arange(first, end, TorchScalars.One, device: device).view(1, 1, seq, 1);
        var k = arange(TorchScalars.Zero, keyCount, TorchScalars.One, device: device).view(1, 1, 1, keys);
        var allowed = k.le(q);
        if (window is int w)
        {
            using var windowScalar = w.ToScalar();
            allowed = allowed.logical_and(q.sub(k).lt(windowScalar));
        }
        var padCounts = tensor(pads.Select(p => (long)p).ToArray(), device: device).view(-1, 1, 1, 1);
        var notPad = k.ge(padCounts);
        var diagonal = k.eq(q);
        return scope.MoveToOuter(allowed.logical_and(notPad).logical_or(diagonal));
    }
}
