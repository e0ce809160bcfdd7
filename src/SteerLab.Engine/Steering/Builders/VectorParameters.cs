using SteerLab.Engine.Steering.Activations;

namespace SteerLab.Engine.Steering.Builders;

/// <summary>The snake_case keys and values builders write into <see cref="SteeringVector.Parameters"/>, the same
/// names the vector document (DESIGN §7) exports.</summary>
public static class VectorParameters
{
    public const string Tau = "tau";
    public const string K = "k";
    public const string CommonFeatureRemoval = "common_feature_removal";
    public const string ReadPosition = "read_position";
    public const string PositiveCount = "positive_count";
    public const string NegativeCount = "negative_count";

    public static string Name(ReadPosition position) => position switch
    {
        Activations.ReadPosition.AnswerToken => "answer_token",
        Activations.ReadPosition.LastPromptToken => "last_prompt_token",
        Activations.ReadPosition.CompletionMean => "completion_mean",
        _ => throw new ArgumentOutOfRangeException(nameof(position), position, "unknown read position"),
    };

    /// <summary>What every builder records: where the activations were read and how many examples each side had.</summary>
    internal static Dictionary<string, object> Common(ContrastiveActivations activations) => new(StringComparer.Ordinal)
    {
        [ReadPosition] = Name(activations.Position),
        [PositiveCount] = (int)activations.Positive.shape[0],
        [NegativeCount] = (int)activations.Negative.shape[0],
    };
}
