using System.Text.Json;
using System.Text.Json.Serialization;

namespace SteerLab.Engine.Sae.Training;

/// <summary>Everything needed to judge and reproduce an SAE training run: what was trained on what, and how well
/// it reconstructs held-out activations and the model's loss. Written as <c>training_report.json</c> next to the
/// SAE and into its cfg.json metadata.</summary>
public sealed record SaeTrainingReport
{
    // What was trained.
    public required string Model { get; init; }
    public required string Hook { get; init; }
    /// <summary>"topk" or "relu_l1".</summary>
    public required string Kind { get; init; }
    public required int DModel { get; init; }
    public required int Width { get; init; }
    public int? K { get; init; }
    public double? L1Coefficient { get; init; }
    public required int Steps { get; init; }
    public required int BatchTokens { get; init; }
    public required double LearningRate { get; init; }
    public required long Seed { get; init; }
    public required bool AuxK { get; init; }
    /// <summary>Scale applied to inputs during training (sqrt(d)/E‖x‖), folded into the saved biases.</summary>
    public required double InputScale { get; init; }

    // On what.
    /// <summary>E.g. "corpus stories.txt (128-token windows)" or "self-generated: 600 sequences".</summary>
    public required string Source { get; init; }
    public required int TrainSequences { get; init; }
    public required int ValidationSequences { get; init; }
    public required long TrainTokens { get; init; }
    public required long ValidationTokens { get; init; }
    /// <summary>Most training tokens the buffer could hold, and whether that cap cut the data short.</summary>
    public required long BufferCapTokens { get; init; }
    public required bool BufferCapped { get; init; }
    public required double Epochs { get; init; }

    // How well (held-out).
    public required double L0 { get; init; }
    public required double Fvu { get; init; }
    /// <summary>Share of features that did not fire in the last <see cref="DeadAfterTokens"/> training tokens.</summary>
    public required double DeadFraction { get; init; }
    public required long DeadAfterTokens { get; init; }
    public required double NeverFiredOnValidationFraction { get; init; }
    public required double CleanLoss { get; init; }
    public required double SplicedLoss { get; init; }
    public required double ZeroAblationLoss { get; init; }
    public required double LossDelta { get; init; }
    public required double ZeroAblationDelta { get; init; }
    public required double LossRecovered { get; init; }
    public required long LossPredictions { get; init; }
    public required double FinalTrainingLoss { get; init; }

    public required double WallSeconds { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string Software { get; init; } = $"SteerLab.Engine {typeof(SaeTrainingReport).Assembly.GetName().Version}";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // a diverged run's NaN stays visible
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The report as a JSON object (for the SAE's cfg.json metadata).</summary>
    public JsonElement ToJsonElement() => JsonSerializer.SerializeToElement(this, JsonOptions);
}
