using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Training;

/// <summary>How well an SAE reconstructs held-out activations.</summary>
/// <param name="L0">Mean number of active features per token.</param>
/// <param name="Fvu">Fraction of variance unexplained: Σ‖x − x̂‖² / Σ‖x − x̄‖² (x̄ = mean of the held-out x).</param>
/// <param name="NeverFiredFraction">Share of features that fire on no held-out token.</param>
public sealed record ReconstructionMetrics(double L0, double Fvu, double NeverFiredFraction, long Tokens);

/// <summary>The model's next-token cross-entropy (nats per token) on held-out sequences, clean and with the hook's
/// activation replaced by the SAE reconstruction or by zeros. Only predictions made at positions ≥ 1 count: the
/// BOS position is left as it is (it was not in the SAE's training data), so prediction from BOS is unaffected.</summary>
public sealed record SplicedLoss(double Clean, double Spliced, double ZeroAblated, long Predictions)
{
    public double Delta => Spliced - Clean;
    public double ZeroAblationDelta => ZeroAblated - Clean;
    /// <summary>(zero − spliced) / (zero − clean): 1 = the SAE loses nothing, 0 = as bad as erasing the activation.</summary>
    public double LossRecovered => (ZeroAblated - Spliced) / (ZeroAblated - Clean);
}

/// <summary>Held-out measurements of a trained SAE.</summary>
public static class SaeEvaluator
{
    const int ChunkTokens = 8192;

    /// <summary>L0, FVU and never-firing features on activations x [n, d] (processed in chunks; any device).</summary>
    public static ReconstructionMetrics Reconstruction(SparseAutoencoder sae, Tensor activations)
    {
        if (activations.dim() != 2 || activations.shape[1] != sae.DIn || activations.shape[0] == 0)
            throw new ArgumentException($"activations must be [n ≥ 1, {sae.DIn}], got [{string.Join(", ", activations.shape)}]");
        using var noGrad = no_grad();
        long n = activations.shape[0];
        var device = sae.WEnc.device;
        using var mean = activations.to(ScalarType.Float64).mean([0]).to(device); // [d]
        double squaredError = 0, variance = 0, active = 0;
        using var fired = zeros(sae.DSae, ScalarType.Bool, device);
        for (long start = 0; start < n; start += ChunkTokens)
        {
            using var scope = NewDisposeScope();
            var x = activations.narrow(0, start, Math.Min(ChunkTokens, n - start)).to(device).to(ScalarType.Float32);
            var codes = sae.Encode(x);
            var (_, outScale, outShift) = sae.Normalise(x);
            var reconstruction = SparseAutoencoder.Denormalise(sae.DecodeNormalised(codes), outScale, outShift);
            squaredError += (x - reconstruction).to(ScalarType.Float64).pow(TorchScalars.Two).sum().item<double>();
            variance += (x.to(ScalarType.Float64) - mean).pow(TorchScalars.Two).sum().item<double>();
            var isActive = codes.gt(TorchScalars.Zero);
            active += isActive.sum().item<long>();
            fired.logical_or_(isActive.any(0));
        }
        double neverFired = 1 - fired.sum().item<long>() / (double)sae.DSae;
        return new ReconstructionMetrics(active / n, squaredError / variance, neverFired, n);
    }

    /// <summary>Clean, SAE-spliced and zero-ablated next-token loss at <paramref name="hook"/> over <paramref name="sequences"/>
    /// (each BOS first). The SAE must be on the model's device.</summary>
    public static SplicedLoss LanguageModelLoss(TransformerModel model, HookPoint hook, SparseAutoencoder sae,
        IReadOnlyList<int[]> sequences, int batchSize = 16, CancellationToken cancellation = default)
    {
        if (sequences.Count == 0) throw new ArgumentException("no sequences to measure the loss on");
        // Bound the logits buffer [batch, seq, vocab] to ~512 MB whatever the vocabulary.
        long longest = sequences.Max(s => s.Length);
        batchSize = (int)Math.Clamp((512L << 20) / (4L * longest * model.Config.VocabSize), 1, batchSize);

        Tensor Splice(Tensor x, HookContext context) => KeepBos(x, sae.Reconstruct(x).to(x.dtype), context);
        Tensor Zero(Tensor x, HookContext context) => KeepBos(x, zeros_like(x), context);
        var spliced = new HookSet().Intervene(hook, Splice);
        var zeroed = new HookSet().Intervene(hook, Zero);

        double clean = 0, withSae = 0, withZeros = 0;
        long predictions = 0;
        using var noGrad = no_grad();
        foreach (var (ids, pads) in ActivationBuffer.PaddedBatches(sequences, batchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (targets, mask) = NextTokenTargets(ids, pads, model.Device);
            predictions += mask.sum().item<long>();
            clean += SummedLoss(model, ids, pads, null, targets, mask);
            withSae += SummedLoss(model, ids, pads, spliced, targets, mask);
            withZeros += SummedLoss(model, ids, pads, zeroed, targets, mask);
            ids.Dispose();
        }
        return new SplicedLoss(clean / predictions, withSae / predictions, withZeros / predictions, predictions);
    }

    /// <summary>The edited activation everywhere but at BOS (real position 0), where the original stays.</summary>
    static Tensor KeepBos(Tensor original, Tensor edited, HookContext context)
    {
        using var afterBos = context.Tokens.Positions.ge(TorchScalars.One).to(original.device).unsqueeze(-1); // [batch, seq, 1]
        return where(afterBos, edited, original);
    }

    /// <summary>Targets [batch, seq−1] (the next token) and the mask of predictions that count: made at a real
    /// position ≥ 1 of the row.</summary>
    static (Tensor Targets, Tensor Mask) NextTokenTargets(Tensor ids, int[] pads, Device device)
    {
        long seq = ids.shape[1];
        var mask = new bool[ids.shape[0] * (seq - 1)];
        for (int b = 0; b < pads.Length; b++)
            for (long t = 0; t < seq - 1; t++)
                mask[b * (seq - 1) + t] = t - pads[b] >= 1;
        return (ids.narrow(1, 1, seq - 1).to(device), tensor(mask, [ids.shape[0], seq - 1]).to(device));
    }

    static double SummedLoss(TransformerModel model, Tensor ids, int[] pads, HookSet? hooks, Tensor targets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var logits = model.Forward(new ForwardInput { InputIds = ids, PadCounts = pads, Hooks = hooks }); // [batch, seq, vocab]
        long seq = ids.shape[1];
        var logProbabilities = logits.narrow(1, 0, seq - 1).log_softmax(-1);
        var picked = logProbabilities.gather(-1, targets.unsqueeze(-1)).squeeze(-1); // [batch, seq−1]
        return -picked.to(ScalarType.Float64).masked_select(mask).sum().item<double>();
    }
}
