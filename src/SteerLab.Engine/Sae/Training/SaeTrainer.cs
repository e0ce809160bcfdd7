using SteerLab.Engine.Hooks;
using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Training;

/// <summary>What the training loop produced: the SAE (in activation units, CPU) and the loop's own statistics.</summary>
public sealed record TrainedSae(SparseAutoencoder Sae, double DeadFraction, long TokensSeen, double Epochs, double FinalLoss,
    double InputScale, int EffectiveBatchTokens);

/// <summary>Trains a TopK or ReLU+L1 SAE on activations with AdamW (no weight decay), mini-batches drawn from a
/// seeded per-epoch shuffle, warm-up / constant / linear-decay learning rate, unit-norm decoder rows.
/// Inputs are scaled by s = sqrt(d)/E‖x‖ so learning rate and L1 coefficient mean the same for every model; the
/// scale is folded into the saved biases (<see cref="TrainableSae.ToSparseAutoencoder"/>).
/// TopK loss: Σ‖x − x̂‖² / Σ‖x − x̄‖² over the batch, plus AuxK on dead features (Gao et al. 2024).
/// ReLU+L1 loss: mean over tokens of ‖x − x̂‖² + C·Σ_i f_i. With unit-norm decoder rows this is Anthropic's April
/// 2024 penalty Σ f_i‖W_dec,i‖; we keep the norm constraint (rather than their unconstrained decoder) because
/// steering with SAS and feature dashboards read decoder rows as unit directions.</summary>
public static class SaeTrainer
{
    /// <param name="activations">Training activations [n, d] float32 (any device; batches move to <paramref name="device"/>).</param>
    public static TrainedSae Train(Tensor activations, SaeTrainingOptions options, SaeConfig config, Device? device = null,
        Action<SaeTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (activations.dim() != 2 || activations.shape[0] < 2) throw new ArgumentException($"training activations must be [n ≥ 2, d], got [{string.Join(", ", activations.shape)}]");
        int d = (int)activations.shape[1];
        long n = activations.shape[0];
        options.Validate(d);
        device ??= CPU;
        int batchTokens = (int)Math.Min(options.BatchTokens, n);
        using var generator = new TorchSharp.torch.Generator(unchecked((ulong)options.Seed));
        var (scale, mean) = InputStatistics(activations, generator);
        // Scalars owned for the whole run (see TorchScalars: temporaries could be finalized mid-call).
        using var scaleScalar = scale.ToScalar();
        using var tinyVariance = 1e-12.ToScalar();
        using var deadAfterTokens = options.DeadAfterTokens.ToScalar();
        using var batchTokensScalar = batchTokens.ToScalar();
        using var sae = InitialSae(d, options, mean, scale, generator, device);
        using var optimizer = optim.AdamW(sae.Parameters, lr: options.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0);
        using var sinceFired = zeros(options.Width, ScalarType.Int64, device); // tokens since each feature last fired
        int kAux = Math.Min(d / 2, options.Width);
        double lastLoss = double.NaN;

        var order = randperm(n, generator: generator);
        long cursor = 0;
        try
        {
            for (int step = 0; step < options.Steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                if (cursor + batchTokens > n) { order.Dispose(); order = randperm(n, generator: generator); cursor = 0; }
                double learningRate = LearningRateAt(step, options);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                bool checkpoint = (step + 1) % options.ProgressEvery == 0 || step == options.Steps - 1;

                using (var scope = NewDisposeScope())
                {
                    var x = activations.index_select(0, order.narrow(0, cursor, batchTokens)).to(device).mul(scaleScalar); // [batch, d]
                    cursor += batchTokens;
                    var (pre, codes) = sae.Encode(x);
                    var reconstruction = sae.Decode(codes);
                    var squaredError = (x - reconstruction).pow(TorchScalars.Two).sum();
                    var variance = (x - x.mean([0], keepdim: true)).pow(TorchScalars.Two).sum().clamp_min(tinyVariance);
                    var dead = sinceFired.ge(deadAfterTokens);
                    Tensor loss;
                    if (options.Kind == SaeTrainingKind.TopK)
                        loss = (squaredError / variance).add(AuxKLoss(sae, x, reconstruction, pre, dead, kAux, variance, options.AuxKCoefficient), TorchScalars.One);
                    else
                    {
                        using var l1 = L1At(step, options).ToScalar();
                        loss = squaredError.add(codes.sum().mul(l1), TorchScalars.One).div(batchTokensScalar);
                    }

                    optimizer.zero_grad();
                    loss.backward();
                    sae.ProjectDecoderGradient();
                    optimizer.step();
                    sae.NormaliseDecoderRows();

                    using (no_grad())
                    {
                        var fired = codes.gt(TorchScalars.Zero).any(0); // [m]
                        sinceFired.add_(batchTokensScalar, TorchScalars.One).masked_fill_(fired, TorchScalars.Zero);
                        if (checkpoint)
                        {
                            lastLoss = loss.item<float>();
                            if (!double.IsFinite(lastLoss))
                                throw new InvalidOperationException($"SAE training diverged at step {step + 1} (loss {lastLoss}); try a lower learning rate than {options.LearningRate}");
                            if (progress is not null)
                            {
                                double l0 = codes.gt(TorchScalars.Zero).sum(1).to(ScalarType.Float64).mean().item<double>();
                                double fvu = (squaredError / variance).item<float>();
                                progress(new SaeTrainingProgress(step + 1, options.Steps, lastLoss, l0, fvu, DeadFraction(sinceFired, options), learningRate));
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            order.Dispose();
        }
        long seen = (long)options.Steps * batchTokens;
        return new TrainedSae(sae.ToSparseAutoencoder(config, scale), DeadFraction(sinceFired, options), seen, (double)seen / n,
            lastLoss, scale, batchTokens);
    }

    /// <summary>The input scale s = sqrt(d)/E‖x‖ and the mean of x (raw units), from up to 65 536 random tokens.</summary>
    static (double Scale, Tensor Mean) InputStatistics(Tensor activations, TorchSharp.torch.Generator generator)
    {
        using var scope = NewDisposeScope();
        long n = activations.shape[0];
        long sampleSize = Math.Min(n, 65_536);
        var sample = activations.index_select(0, randperm(n, generator: generator).narrow(0, 0, sampleSize)).to(ScalarType.Float64);
        double meanNorm = sample.norm(1).mean().item<double>();
        if (!(meanNorm > 0) || !double.IsFinite(meanNorm)) throw new ArgumentException($"training activations have mean norm {meanNorm}; cannot train an SAE on them");
        var mean = sample.mean([0]).to(ScalarType.Float32);
        return (Math.Sqrt(activations.shape[1]) / meanNorm, scope.MoveToOuter(mean));
    }

    /// <summary>The SAE to start from, for inputs scaled by <paramref name="scale"/> (b_dec = the scaled mean). Disposes <paramref name="mean"/>.</summary>
    static TrainableSae InitialSae(int d, SaeTrainingOptions options, Tensor mean, double scale, TorchSharp.torch.Generator generator, Device device)
    {
        using (mean)
        using (var scaleScalar = scale.ToScalar())
        using (var scaledMean = mean.mul(scaleScalar))
            return new TrainableSae(d, options.Width, options.Kind, options.K, scaledMean, generator, device);
    }

    static Tensor AuxKLoss(TrainableSae sae, Tensor x, Tensor reconstruction, Tensor pre, Tensor dead, int kAux, Tensor variance, double coefficient)
    {
        if (coefficient == 0 || kAux < 1) return zeros(1, device: x.device).squeeze();
        long deadCount = dead.sum().item<long>();
        if (deadCount == 0) return zeros(1, device: x.device).squeeze();
        var residual = (x - reconstruction).detach();
        var auxReconstruction = sae.AuxKReconstruction(pre, dead, kAux);
        using var weight = (coefficient * Math.Min(1.0, (double)deadCount / kAux)).ToScalar(); // Gao et al.: fewer dead features, less weight
        return (residual - auxReconstruction).pow(TorchScalars.Two).sum().mul(weight) / variance;
    }

    /// <summary>Linear warm-up to the peak rate, constant, then linear decay to 0 over the last steps.</summary>
    internal static double LearningRateAt(int step, SaeTrainingOptions options)
    {
        int warmup = (int)Math.Round(options.WarmupFraction * options.Steps);
        int decay = (int)Math.Round(options.DecayFraction * options.Steps);
        if (step < warmup) return options.LearningRate * (step + 1) / warmup;
        if (step >= options.Steps - decay) return options.LearningRate * (options.Steps - step) / decay;
        return options.LearningRate;
    }

    static double L1At(int step, SaeTrainingOptions options)
    {
        int warmup = (int)Math.Round(options.L1WarmupFraction * options.Steps);
        return step < warmup ? options.L1Coefficient * (step + 1) / warmup : options.L1Coefficient;
    }

    static double DeadFraction(Tensor sinceFired, SaeTrainingOptions options) =>
        DeadCount(sinceFired, options) / (double)options.Width;

    static long DeadCount(Tensor sinceFired, SaeTrainingOptions options)
    {
        using var deadAfterTokens = options.DeadAfterTokens.ToScalar();
        using var dead = sinceFired.ge(deadAfterTokens);
        return dead.sum().item<long>();
    }
}
