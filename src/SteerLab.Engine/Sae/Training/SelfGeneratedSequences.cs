using SteerLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Training;

/// <summary>Text the model writes itself: sequences sampled at temperature 1 from BOS, so an SAE can be trained
/// on the model's own distribution when no corpus is at hand.
/// Not <see cref="Generation.TokenGenerator"/>: it seeds one generator per prompt so that a prompt gets the same
/// tokens alone or in a batch — which makes every row of a batch of identical BOS prompts identical. Here all
/// rows of a batch share one generator (seeded by run seed and batch index), so one batched forward per token
/// yields distinct samples; the result is reproducible for a given seed and batch size.</summary>
public static class SelfGeneratedSequences
{
    /// <summary><paramref name="count"/> sequences of BOS + up to <paramref name="newTokens"/> sampled tokens, each
    /// cut before its first stop token (BOS or EOS: llama2.c-style models start a new story with BOS).
    /// Sequences that end at once (fewer than 2 new tokens) are dropped, so slightly fewer may come back.</summary>
    public static IReadOnlyList<int[]> Sample(TransformerModel model, int count, int newTokens, long seed,
        int batchSize = 64, CancellationToken cancellation = default)
    {
        int bos = model.Config.BosId ?? throw new ArgumentException("the model's config names no BOS token id; self-generated text starts from BOS");
        if (count < 1 || count > 10_000_000) throw new ArgumentException($"the number of self-generated sequences must be in [1, 10000000], got {count}");
        if (newTokens < 2) throw new ArgumentException($"self-generated sequences need at least 2 new tokens, got {newTokens}");
        if (newTokens + 1 > model.Config.MaxPositions) throw new ArgumentException($"BOS + {newTokens} new tokens exceed the model's {model.Config.MaxPositions} positions");
        if (batchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {batchSize}");
        var stops = new HashSet<int>(model.Config.EosIds) { bos };
        var sequences = new List<int[]>(count);
        for (int start = 0, batchIndex = 0; start < count; start += batchSize, batchIndex++)
        {
            int rows = Math.Min(batchSize, count - start);
            var ids = SampleBatch(model, rows, newTokens, bos, unchecked(seed * 1_000_003 + batchIndex), cancellation);
            for (int r = 0; r < rows; r++)
            {
                int end = 1;
                while (end < ids[r].Length && !stops.Contains(ids[r][end])) end++;
                if (end >= 3) sequences.Add(ids[r][..end]);
            }
        }
        return sequences;
    }

    /// <summary>[rows] arrays of BOS + newTokens sampled ids (stop tokens are sampled through, cut later).</summary>
    static int[][] SampleBatch(TransformerModel model, int rows, int newTokens, int bos, long seed, CancellationToken cancellation)
    {
        var output = Enumerable.Range(0, rows).Select(_ => new int[newTokens + 1]).ToArray();
        foreach (var row in output) row[0] = bos;
        using var generator = new TorchSharp.torch.Generator(unchecked((ulong)seed));
        using var cache = model.NewCache(newTokens + 1);
        using var bosScalar = ((long)bos).ToScalar();
        var input = full(rows, 1, bosScalar, ScalarType.Int64);
        try
        {
            for (int t = 1; t <= newTokens; t++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var logits = model.Forward(new ForwardInput { InputIds = input, Cache = cache, LastLogitsOnly = true }); // [rows, 1, vocab]
                var probabilities = logits.squeeze(1).softmax(-1);
                var next = multinomial(probabilities, 1, replacement: false, generator: generator).cpu(); // [rows, 1]
                long[] chosen = next.data<long>().ToArray();
                for (int r = 0; r < rows; r++) output[r][t] = (int)chosen[r];
                input.Dispose();
                input = next.DetachFromDisposeScope();
            }
        }
        finally
        {
            input.Dispose();
        }
        return output;
    }
}
