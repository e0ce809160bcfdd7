using System.Diagnostics;
using System.Text.Json;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Generation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SteerLab.Engine.Models.Training;

/// <summary>One report from <see cref="LanguageModelTrainer"/>: every step, with validation numbers on evaluation steps.</summary>
public sealed record LanguageModelProgress(int Step, int TotalSteps, double TrainLoss, double LearningRate, double TokensPerSecond,
    TimeSpan Elapsed, TimeSpan Remaining, double? ValidationLoss)
{
    public double? ValidationPerplexity => ValidationLoss is { } l ? Math.Exp(l) : null;
}

/// <summary>What a finished run measured.</summary>
public sealed record LanguageModelTrainingReport(int Steps, long ParameterCount, long TrainTokens, long TokensSeen, double FinalTrainLoss,
    double ValidationLoss, long ValidationTokens, double WallSeconds, int ResumedFromStep)
{
    public double ValidationPerplexity => Math.Exp(ValidationLoss);
}

/// <summary>Trains a LlamaForCausalLM from scratch on a token stream with next-token cross-entropy. Each step draws
/// <see cref="LlamaTrainingOptions.BatchSequences"/> windows at offsets fixed by (seed, step), each BOS + (context − 1)
/// stream tokens, so a resumed run sees exactly the batches an uninterrupted one would. A checkpoint (weights, AdamW
/// state, step) is written atomically every <see cref="LlamaTrainingOptions.CheckpointEvery"/> steps and picked up by
/// the next run with the same folder.</summary>
public static class LanguageModelTrainer
{
    const string StateFile = "training_state.json";
    const string OptimizerFile = "optimizer.bin";

    /// <param name="train">Training token stream (documents separated by the BOS/EOS token).</param>
    /// <param name="validation">Held-out stream scored in consecutive windows.</param>
    /// <param name="checkpointFolder">Where checkpoints go; a checkpoint already there is resumed.</param>
    /// <returns>The trained tensors (caller disposes) and the report.</returns>
    public static (LlamaCheckpoint Model, LanguageModelTrainingReport Report) Train(int[] train, int[] validation,
        System.Text.Json.Nodes.JsonObject configJson, LlamaTrainingOptions options, int bosId, string checkpointFolder,
        Action<LanguageModelProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        if (train.Length < options.Context * 2) throw new ArgumentException($"{train.Length} training tokens are fewer than two windows of {options.Context}");
        if (validation.Length < options.Context) throw new ArgumentException($"{validation.Length} held-out tokens are fewer than one window of {options.Context}");
        var clock = Stopwatch.StartNew();
        int startStep = ReadState(checkpointFolder);
        var checkpoint = startStep > 0 ? LlamaCheckpoint.Read(checkpointFolder) : LlamaCheckpoint.Initialise(configJson, options.Seed);
        var model = checkpoint.ToModel();
        using var optimizer = optim.AdamW([
            new AdamW.ParamGroup(checkpoint.DecayedTensors, new AdamW.Options { weight_decay = options.WeightDecay }),
            new AdamW.ParamGroup(checkpoint.UndecayedTensors, new AdamW.Options { weight_decay = 0 }),
        ], lr: options.LearningRate, beta1: 0.9, beta2: 0.95, eps: 1e-8);
        if (startStep > 0) optimizer.load_state_dict(Path.Combine(checkpointFolder, OptimizerFile));
        var validationWindows = ValidationWindows(validation, options, bosId);
        var parameters = checkpoint.Tensors.Select(t => t.Tensor).ToList();

        double smoothedLoss = double.NaN, lastValidation = double.NaN;
        var stepClock = Stopwatch.StartNew();
        int stepsTimed = 0;
        for (int step = startStep; step < options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            double learningRate = options.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
            double loss;
            using (var scope = NewDisposeScope())
            {
                var (inputs, targets) = Batch(train, options, bosId, step);
                var logits = model.Forward(new ForwardInput { InputIds = inputs });
                var lossTensor = cross_entropy(logits.view(-1, logits.shape[2]), targets.view(-1));
                optimizer.zero_grad();
                lossTensor.backward();
                nn.utils.clip_grad_norm_(parameters, options.GradientClip);
                optimizer.step();
                loss = lossTensor.item<float>();
            }
            if (!double.IsFinite(loss)) throw new InvalidOperationException($"training diverged at step {step + 1} (loss {loss}); try a learning rate below {options.LearningRate}");
            smoothedLoss = double.IsNaN(smoothedLoss) ? loss : 0.95 * smoothedLoss + 0.05 * loss;
            stepsTimed++;
            bool last = step == options.Steps - 1;
            double? validationLoss = null;
            if ((step + 1) % options.EvaluateEvery == 0 || last) validationLoss = lastValidation = Evaluate(model, validationWindows);
            if ((step + 1) % options.CheckpointEvery == 0 && !last) WriteCheckpoint(checkpoint, optimizer, checkpointFolder, step + 1);
            double secondsPerStep = stepClock.Elapsed.TotalSeconds / stepsTimed;
            progress?.Invoke(new LanguageModelProgress(step + 1, options.Steps, smoothedLoss, learningRate, options.TokensPerStep / secondsPerStep,
                clock.Elapsed, TimeSpan.FromSeconds(secondsPerStep * (options.Steps - step - 1)), validationLoss));
        }
        if (double.IsNaN(lastValidation)) lastValidation = Evaluate(model, validationWindows);
        var report = new LanguageModelTrainingReport(options.Steps, checkpoint.ParameterCount, train.Length, (long)options.Steps * options.TokensPerStep,
            smoothedLoss, lastValidation, validationWindows.Sum(w => (long)w.Length - 1), clock.Elapsed.TotalSeconds, startStep);
        return (checkpoint, report);
    }

    /// <summary>Rows of BOS + (context − 1) stream tokens at offsets drawn from (seed, step); targets are the next tokens.</summary>
    internal static (Tensor Inputs, Tensor Targets) Batch(int[] stream, LlamaTrainingOptions o, int bosId, int step)
    {
        // Not HashCode.Combine: its seed is random per process, and a batch must be the same in every run and after a resume.
        var random = new Random(unchecked((int)(o.Seed * 1_000_003 + step)));
        int rows = o.BatchSequences, length = o.Context;
        var inputs = new long[rows * length];
        var targets = new long[rows * length];
        for (int r = 0; r < rows; r++)
        {
            int offset = random.Next(0, stream.Length - length);
            inputs[r * length] = bosId;
            for (int t = 0; t < length; t++)
            {
                if (t > 0) inputs[r * length + t] = stream[offset + t - 1];
                targets[r * length + t] = stream[offset + t];
            }
        }
        return (tensor(inputs, [rows, length]), tensor(targets, [rows, length]));
    }

    /// <summary>Consecutive windows of BOS + up to context − 1 held-out tokens, at most <see cref="LlamaTrainingOptions.ValidationWindows"/>.</summary>
    static List<int[]> ValidationWindows(int[] stream, LlamaTrainingOptions o, int bosId)
    {
        var windows = new List<int[]>();
        for (int start = 0; start + 1 < stream.Length && windows.Count < o.ValidationWindows; start += o.Context - 1)
            windows.Add([bosId, .. stream.AsSpan(start, Math.Min(o.Context - 1, stream.Length - start))]);
        return windows;
    }

    /// <summary>Mean next-token cross-entropy (nats) over every prediction in the windows (the prediction of the first
    /// stream token from BOS included), without building an autograd graph.</summary>
    public static double Evaluate(TransformerModel model, IReadOnlyList<int[]> windows)
    {
        using var noGrad = no_grad();
        return Perplexity.Measure(model, windows).MeanNegativeLogLikelihood;
    }

    static int ReadState(string folder)
    {
        string path = Path.Combine(folder, StateFile);
        if (!File.Exists(path)) return 0;
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("step").GetInt32();
    }

    /// <summary>Weights, optimiser state and step into a fresh folder, then swapped in, so a kill mid-write leaves the
    /// previous checkpoint whole.</summary>
    static void WriteCheckpoint(LlamaCheckpoint checkpoint, OptimizerHelper optimizer, string folder, int step)
    {
        string fresh = folder.TrimEnd('/') + ".new", old = folder.TrimEnd('/') + ".old";
        if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        checkpoint.Save(fresh);
        optimizer.save_state_dict(Path.Combine(fresh, OptimizerFile));
        File.WriteAllText(Path.Combine(fresh, StateFile), JsonSerializer.Serialize(new { step }));
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(folder)) Directory.Move(folder, old);
        Directory.Move(fresh, folder);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }
}
