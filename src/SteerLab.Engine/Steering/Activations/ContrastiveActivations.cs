using SteerLab.Engine.Hooks;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.Activations;

/// <summary>Where in each example the activation is read (DESIGN §5): the answer-letter token (A/B datasets,
/// the default), the last prompt token, or the mean over the completion's tokens.</summary>
public enum ReadPosition { AnswerToken, LastPromptToken, CompletionMean }

/// <summary>Activations h⁺ and h⁻ read at one hook for the positive and negative side of a contrastive dataset:
/// [n⁺, d] and [n⁻, d], float32 on the CPU. Row i of each comes from pair i.</summary>
public sealed record ContrastiveActivations(Tensor Positive, Tensor Negative, HookPoint Hook, ReadPosition Position) : IDisposable
{
    public int DModel => (int)Positive.shape[1];

    public void Dispose()
    {
        Positive.Dispose();
        Negative.Dispose();
    }
}
