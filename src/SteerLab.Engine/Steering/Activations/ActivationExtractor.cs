using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.Activations;

/// <summary>Runs the model over x⁺ and x⁻ of every pair and reads the activation at one hook point and read
/// position (DESIGN §5): one forward per batch of sequences, left-padded (padding masked, so every row gets the
/// activations it would get alone), sequences of similar length batched together. Only the last column's logits
/// are computed. <see cref="ForwardPasses"/> counts the model forwards this extractor has run.</summary>
public sealed class ActivationExtractor(TransformerModel model)
{
    readonly TransformerModel model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>Sequences per forward (x⁺ and x⁻ count separately).</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Id written into left padding (masked; any id in the vocabulary will do).</summary>
    public int PadId { get; init; }

    /// <summary>Model forwards run so far by this extractor.</summary>
    public long ForwardPasses { get; private set; }

    /// <summary>h⁺ [n, d] and h⁻ [n, d] (float32, CPU), row i from pair i. With <see cref="ReadPosition.CompletionMean"/>
    /// each row is the mean over that side's answer tokens. <paramref name="progress"/> gets (sequences done, total)
    /// after each forward.</summary>
    public ContrastiveActivations Extract(IReadOnlyList<TokenizedPair> pairs, HookPoint hook, ReadPosition position,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("no pairs to read activations from", nameof(pairs));
        if (hook.Layer < 0 || hook.Layer >= model.Config.LayerCount)
            throw new ArgumentException($"hook {hook} is outside this model's {model.Config.LayerCount} layers", nameof(hook));

        // Sequence s < n is pair s's x⁺, s ≥ n is pair (s − n)'s x⁻.
        var examples = pairs.Select(p => p.Positive).Concat(pairs.Select(p => p.Negative)).ToList();
        var spans = examples.Select(e => e.ReadSpan(position)).ToList();
        var sequences = examples.Select(e => e.Ids).ToList();
        LeftPaddedBatch.Validate(model, sequences, "sequence", minLength: 1, PadId);
        for (int s = 0; s < spans.Count; s++)
            if (spans[s].Count < 1 || spans[s].Start < 0 || spans[s].Start + spans[s].Count > sequences[s].Count)
                throw new ArgumentException($"sequence {s}: read span [{spans[s].Start}, +{spans[s].Count}) is outside its {sequences[s].Count} tokens");

        int d = model.Config.DModel, n = pairs.Count, done = 0;
        var values = new float[examples.Count * d];
        foreach (var indices in LeftPaddedBatch.ByLength(sequences.Select(s => s.Count).ToList(), BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = indices.Select(i => sequences[i]).ToList();
            using var batch = new LeftPaddedBatch(rows, PadId);
            var rowSpans = indices.Select((i, r) => (Start: batch.PadCounts[r] + spans[i].Start, spans[i].Count)).ToArray();
            float[]? read = null;
            var hooks = new HookSet().Read(hook, (activation, _) =>
            {
                if (read is not null) throw new InvalidOperationException($"hook {hook} ran twice in one forward");
                read = ReadRows(activation, rowSpans);
            });
            using (var scope = NewDisposeScope())
                model.Forward(batch.Input(rows.Select(r => r.Count).ToArray(), hooks, lastLogitsOnly: true));
            ForwardPasses++;
            if (read is null) throw new InvalidOperationException($"hook {hook} did not run: the model has no such hook point");
            for (int r = 0; r < indices.Length; r++) Array.Copy(read, r * d, values, indices[r] * d, d);
            done += indices.Length;
            progress?.Invoke(done, examples.Count);
        }
        var positive = tensor(values.AsSpan(0, n * d).ToArray(), [n, d]);
        var negative = tensor(values.AsSpan(n * d).ToArray(), [n, d]);
        return new ContrastiveActivations(positive, negative, hook, position);
    }

    /// <summary>Row r's mean over columns [start, start + count) of <paramref name="activation"/> [batch, seq, d], as
    /// float32 values [batch × d].</summary>
    static float[] ReadRows(Tensor activation, (int Start, int Count)[] spans)
    {
        using var scope = NewDisposeScope();
        var rows = spans.Select((span, r) => activation[r].narrow(0, span.Start, span.Count).to(ScalarType.Float32).mean([0])).ToArray();
        return stack(rows).cpu().data<float>().ToArray(); // [batch, d]
    }
}
