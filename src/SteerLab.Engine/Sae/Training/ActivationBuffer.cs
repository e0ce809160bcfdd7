using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Training;

/// <summary>Activations at one hook point for SAE training: training tokens, and held-out tokens from
/// sequences the trainer never sees (split by sequence, so no held-out token shares a context with a training
/// one). All float32 on the CPU; the BOS position is left out (its activation is an outlier that an SAE should
/// not spend features on). The trainer shuffles the training tokens itself, per epoch.</summary>
public sealed class ActivationBuffer : IDisposable
{
    /// <summary>[n_train, d]</summary>
    public Tensor Train { get; }
    /// <summary>[n_validation, d]</summary>
    public Tensor Validation { get; }
    /// <summary>The held-out sequences (BOS first), for the language-model loss with the SAE spliced in.</summary>
    public IReadOnlyList<int[]> ValidationSequences { get; }
    public int TrainSequences { get; }
    /// <summary>True when the memory cap stopped collection before all training sequences were read.</summary>
    public bool Capped { get; }

    /// <summary>Takes ownership of <paramref name="train"/> and <paramref name="validation"/> (float32 [n, d]).</summary>
    public ActivationBuffer(Tensor train, Tensor validation, IReadOnlyList<int[]> validationSequences, int trainSequences = 0, bool capped = false)
    {
        if (train.dim() != 2 || validation.dim() != 2 || train.shape[1] != validation.shape[1])
            throw new ArgumentException($"training [{string.Join(", ", train.shape)}] and validation [{string.Join(", ", validation.shape)}] activations must be [n, d] with the same d");
        if (train.shape[0] == 0 || validation.shape[0] == 0) throw new ArgumentException("training and validation activations must not be empty");
        if (train.dtype != ScalarType.Float32 || validation.dtype != ScalarType.Float32) throw new ArgumentException("activations must be float32");
        Train = train;
        Validation = validation;
        ValidationSequences = validationSequences;
        TrainSequences = trainSequences;
        Capped = capped;
    }

    public int DModel => (int)Train.shape[1];

    /// <summary>Runs the model over <paramref name="sequences"/> (each BOS first) and keeps the activations at
    /// <see cref="SaeTrainingOptions.Hook"/>. A seeded shuffle of the sequences picks the held-out share; training
    /// tokens stop at <see cref="SaeTrainingOptions.MaxBufferTokens"/>.</summary>
    public static ActivationBuffer Collect(TransformerModel model, IReadOnlyList<int[]> sequences, SaeTrainingOptions options,
        CancellationToken cancellation = default)
    {
        int d = model.Config.DModel;
        options.Validate(d);
        if (options.Hook.Layer >= model.Config.LayerCount)
            throw new ArgumentException($"hook {options.Hook} is past the model's last layer ({model.Config.LayerCount - 1})");
        if (sequences.Count < 2) throw new ArgumentException($"at least 2 sequences are needed (training and held-out), got {sequences.Count}");
        if (sequences.Any(s => s.Length < 2)) throw new ArgumentException("every sequence needs BOS and at least one more token");

        var order = Enumerable.Range(0, sequences.Count).ToArray();
        new Random(unchecked((int)options.Seed)).Shuffle(order);
        int heldOut = Math.Clamp((int)Math.Round(options.ValidationFraction * sequences.Count), 1, sequences.Count - 1);
        var validationSequences = order.Take(heldOut).Select(i => sequences[i]).ToList();
        var trainSequences = order.Skip(heldOut).Select(i => sequences[i]).ToList();

        long cap = options.MaxBufferTokens(d);
        var (train, capped) = Record(model, options.Hook, trainSequences, cap, options.ForwardBatchSize, cancellation);
        try
        {
            var (validation, _) = Record(model, options.Hook, validationSequences, cap, options.ForwardBatchSize, cancellation);
            return new ActivationBuffer(train, validation, validationSequences, trainSequences.Count, capped);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>[n, d] float32 CPU activations of every non-BOS token, in sequence order, at most
    /// <paramref name="maxTokens"/>; and whether the cap cut it short.</summary>
    static (Tensor Activations, bool Capped) Record(TransformerModel model, HookPoint hook, IReadOnlyList<int[]> sequences,
        long maxTokens, int batchSize, CancellationToken cancellation)
    {
        var chunks = new List<Tensor>();
        long collected = 0;
        bool capped = false;
        var hooks = new HookSet().Read(hook, (x, context) =>
        {
            if (collected >= maxTokens) { capped = true; return; }
            using var scope = NewDisposeScope();
            var keep = context.Tokens.Positions.ge(TorchScalars.One).to(x.device).flatten(); // [batch·seq]: real tokens after BOS
            var rows = x.reshape(-1, x.shape[2]).index_select(0, keep.nonzero().squeeze(1)); // [n, d]
            if (collected + rows.shape[0] > maxTokens)
            {
                rows = rows.narrow(0, 0, maxTokens - collected);
                capped = true;
            }
            collected += rows.shape[0];
            chunks.Add(rows.to(ScalarType.Float32).cpu().detach().DetachFromDisposeScope());
        });
        try
        {
            foreach (var (ids, pads) in PaddedBatches(sequences, batchSize))
            {
                cancellation.ThrowIfCancellationRequested();
                if (collected >= maxTokens) { capped = true; break; }
                using (ids)
                using (model.Forward(new ForwardInput { InputIds = ids, PadCounts = pads, Hooks = hooks, LastLogitsOnly = true })) { }
            }
            var all = cat(chunks, 0);
            return (all, capped);
        }
        finally
        {
            foreach (var chunk in chunks) chunk.Dispose();
        }
    }

    /// <summary>Consecutive batches of sequences, left-padded (with their first token, masked) to the batch's longest:
    /// ids [batch, longest] int64 and each row's pad count.</summary>
    internal static IEnumerable<(Tensor Ids, int[] Pads)> PaddedBatches(IReadOnlyList<int[]> sequences, int batchSize)
    {
        for (int start = 0; start < sequences.Count; start += batchSize)
        {
            var batch = sequences.Skip(start).Take(batchSize).ToList();
            int longest = batch.Max(s => s.Length);
            var flat = new long[batch.Count * longest];
            var pads = new int[batch.Count];
            for (int b = 0; b < batch.Count; b++)
            {
                pads[b] = longest - batch[b].Length;
                for (int t = 0; t < longest; t++)
                    flat[b * longest + t] = t < pads[b] ? batch[b][0] : batch[b][t - pads[b]];
            }
            yield return (tensor(flat, [batch.Count, longest]), pads);
        }
    }

    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
    }
}
