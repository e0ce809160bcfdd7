using System.Diagnostics;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Training;

/// <summary>A trained SAE and its report. Dispose to free the SAE's tensors.</summary>
public sealed record SaeTrainingResult(SparseAutoencoder Sae, SaeTrainingReport Report) : IDisposable
{
    public const string ReportFileName = "training_report.json";

    /// <summary>Saves the SAE in SteerLab's own format (the SAELens layout: cfg.json + sae_weights.safetensors), the
    /// report under cfg.json's <c>steerlab.training</c>, and the report again as <see cref="ReportFileName"/>.</summary>
    public void Save(string folder)
    {
        SaeLensFormat.Save(Sae, folder, new Dictionary<string, object> { ["training"] = Report.ToJsonElement() });
        string reportPath = Path.Combine(folder, ReportFileName);
        File.WriteAllText(reportPath + ".tmp", Report.ToJson());
        File.Move(reportPath + ".tmp", reportPath, overwrite: true);
    }

    public void Dispose() => Sae.Dispose();
}

/// <summary>One whole training run, as the <c>train-sae</c> command and the UI's jobs run it: activations from
/// the model over token sequences → SAE training → held-out FVU / L0 / dead features → the model's loss with the
/// SAE spliced in (and zero-ablated, for scale) → report.</summary>
public static class SaeTrainingRun
{
    /// <param name="sequences">Token sequences, each BOS first (<see cref="CorpusWindows"/>, <see cref="SelfGeneratedSequences"/>).</param>
    /// <param name="source">Where the sequences came from, for the report.</param>
    /// <param name="status">Stage messages ("collecting activations…").</param>
    public static SaeTrainingResult Execute(TransformerModel model, string modelName, IReadOnlyList<int[]> sequences, string source,
        SaeTrainingOptions options, Action<SaeTrainingProgress>? progress = null, Action<string>? status = null,
        CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        int d = model.Config.DModel;
        options.Validate(d);

        status?.Invoke($"collecting activations at {options.Hook.Name} from {sequences.Count} sequences");
        using var buffer = ActivationBuffer.Collect(model, sequences, options, cancellation);
        status?.Invoke($"{buffer.Train.shape[0]} training tokens ({buffer.TrainSequences} sequences{(buffer.Capped ? ", cut at the memory cap" : "")}), " +
            $"{buffer.Validation.shape[0]} held-out tokens ({buffer.ValidationSequences.Count} sequences)");

        var config = new SaeConfig
        {
            DIn = d,
            DSae = options.Width,
            Activation = options.Kind == SaeTrainingKind.TopK ? SaeActivation.TopK : SaeActivation.Relu,
            K = options.Kind == SaeTrainingKind.TopK ? options.K : 0,
            ApplyBDecToInput = true,
            Normalization = SaeNormalization.None,
            Hook = options.Hook,
            Source = $"steerlab-train:{modelName}/{options.Hook.Name}",
            ModelName = modelName,
        };
        status?.Invoke($"training a {options.Kind} SAE of width {options.Width} for {options.Steps} steps");
        var trained = SaeTrainer.Train(buffer.Train, options, config, model.Device, progress, cancellation);
        try
        {
            status?.Invoke("evaluating on held-out activations and sequences");
            bool onCpu = model.Device.type == DeviceType.CPU;
            var onDevice = onCpu ? trained.Sae : trained.Sae.To(model.Device);
            try
            {
                var reconstruction = SaeEvaluator.Reconstruction(onDevice, buffer.Validation);
                var lossSequences = buffer.ValidationSequences.Take(options.MaxLossSequences).ToList();
                var loss = SaeEvaluator.LanguageModelLoss(model, options.Hook, onDevice, lossSequences, options.ForwardBatchSize, cancellation);
                var report = Report(modelName, source, options, d, buffer, trained, reconstruction, loss, clock.Elapsed);
                return new SaeTrainingResult(trained.Sae, report);
            }
            finally
            {
                if (!onCpu) onDevice.Dispose();
            }
        }
        catch
        {
            trained.Sae.Dispose();
            throw;
        }
    }

    static SaeTrainingReport Report(string modelName, string source, SaeTrainingOptions options, int d, ActivationBuffer buffer,
        TrainedSae trained, ReconstructionMetrics reconstruction, SplicedLoss loss, TimeSpan elapsed) => new()
    {
        Model = modelName,
        Hook = options.Hook.Name,
        Kind = options.Kind == SaeTrainingKind.TopK ? "topk" : "relu_l1",
        DModel = d,
        Width = options.Width,
        K = options.Kind == SaeTrainingKind.TopK ? options.K : null,
        L1Coefficient = options.Kind == SaeTrainingKind.ReluL1 ? options.L1Coefficient : null,
        Steps = options.Steps,
        BatchTokens = trained.EffectiveBatchTokens,
        LearningRate = options.LearningRate,
        Seed = options.Seed,
        AuxK = options.Kind == SaeTrainingKind.TopK && options.AuxKCoefficient > 0,
        InputScale = trained.InputScale,
        Source = source,
        TrainSequences = buffer.TrainSequences,
        ValidationSequences = buffer.ValidationSequences.Count,
        TrainTokens = buffer.Train.shape[0],
        ValidationTokens = buffer.Validation.shape[0],
        BufferCapTokens = options.MaxBufferTokens(d),
        BufferCapped = buffer.Capped,
        Epochs = trained.Epochs,
        L0 = reconstruction.L0,
        Fvu = reconstruction.Fvu,
        DeadFraction = trained.DeadFraction,
        DeadAfterTokens = options.DeadAfterTokens,
        NeverFiredOnValidationFraction = reconstruction.NeverFiredFraction,
        CleanLoss = loss.Clean,
        SplicedLoss = loss.Spliced,
        ZeroAblationLoss = loss.ZeroAblated,
        LossDelta = loss.Delta,
        ZeroAblationDelta = loss.ZeroAblationDelta,
        LossRecovered = loss.LossRecovered,
        LossPredictions = loss.Predictions,
        FinalTrainingLoss = trained.FinalLoss,
        WallSeconds = elapsed.TotalSeconds,
        CreatedAt = DateTimeOffset.UtcNow,
    };
}
