using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation;

/// <summary>Token sequences of different lengths as one left-padded [batch, longest] forward input, the way
/// <see cref="Generation.TokenGenerator"/> batches prompts: real tokens right-aligned, so every row's last
/// column is its last token, and the model masks the padding.</summary>
sealed class LeftPaddedBatch : IDisposable
{
    public Tensor Ids { get; }
    public int[] PadCounts { get; }
    public int Longest { get; }

    public LeftPaddedBatch(IReadOnlyList<IReadOnlyList<int>> rows, int padId)
    {
        Longest = rows.Max(r => r.Count);
        PadCounts = rows.Select(r => Longest - r.Count).ToArray();
        var padded = new long[rows.Count * Longest];
        for (int b = 0; b < rows.Count; b++)
            for (int t = 0; t < Longest; t++)
                padded[b * Longest + t] = t < PadCounts[b] ? padId : rows[b][t - PadCounts[b]];
        Ids = tensor(padded, [rows.Count, Longest]);
    }

    public ForwardInput Input(IReadOnlyList<int> promptLengths, HookSet? hooks, bool lastLogitsOnly) => new()
    {
        InputIds = Ids,
        PadCounts = PadCounts,
        PromptLengths = promptLengths,
        Hooks = hooks,
        LastLogitsOnly = lastLogitsOnly,
    };

    /// <summary>Rejects sequences the model cannot take, naming the offending one.</summary>
    public static void Validate(TransformerModel model, IReadOnlyList<IReadOnlyList<int>> sequences, string what, int minLength, int padId)
    {
        int vocab = model.Config.VocabSize;
        if (padId < 0 || padId >= vocab) throw new ArgumentException($"pad id {padId} is outside the vocabulary [0, {vocab})");
        for (int i = 0; i < sequences.Count; i++)
        {
            var sequence = sequences[i] ?? throw new ArgumentException($"{what} {i} is null");
            if (sequence.Count < minLength) throw new ArgumentException($"{what} {i} has {sequence.Count} tokens; at least {minLength} needed");
            foreach (int id in sequence)
                if (id < 0 || id >= vocab) throw new ArgumentException($"{what} {i} contains token id {id}, outside the vocabulary [0, {vocab})");
        }
    }

    /// <summary>Batches of indices into <paramref name="lengths"/>, longest first, so rows of similar length share
    /// a batch and little compute goes to padding. Results are written back by index, so order is preserved.</summary>
    public static IEnumerable<int[]> ByLength(IReadOnlyList<int> lengths, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        return Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i).Chunk(batchSize);
    }

    public void Dispose() => Ids.Dispose();
}
