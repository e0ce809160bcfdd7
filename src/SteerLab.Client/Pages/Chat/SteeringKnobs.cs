using SteerLab.Shared.Chat;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Pages.Chat;

/// <summary>The chat's steering settings: which library vectors are on, each with its coefficient λ, and how they
/// apply. The knobs panel edits it; the page builds each request from it.</summary>
public sealed class SteeringKnobs
{
    public const double MinLambda = -8, MaxLambda = 8, LambdaStep = 0.1, DefaultLambda = 4;

    /// <summary>As many as a generate job accepts (GenerateJobKind.MaxSteeringVectors on the server).</summary>
    public const int MaxKnobs = 16;

    readonly List<SteeringKnob> knobs = [];

    public IReadOnlyList<SteeringKnob> Knobs => knobs;

    /// <summary>SAS vectors keep the SAE's reconstruction error (Δ); off only for ablations.</summary>
    public bool DeltaCorrection { get; set; } = true;

    /// <summary>Steer the prompt's positions too, not only the generated tokens.</summary>
    public bool SteerAllPositions { get; set; }

    public bool IsFull => knobs.Count >= MaxKnobs;

    /// <summary>Turns <paramref name="vector"/> on; false when it already is or the panel is full.</summary>
    public bool Add(VectorSummary vector, double lambda = DefaultLambda)
    {
        if (IsFull || knobs.Any(k => k.Vector.Id == vector.Id)) return false;
        knobs.Add(new SteeringKnob(vector, ClampLambda(lambda)));
        return true;
    }

    public bool Remove(Guid vectorId) => knobs.RemoveAll(k => k.Vector.Id == vectorId) > 0;

    /// <summary>Sets a knob's λ, clamped to [<see cref="MinLambda"/>, <see cref="MaxLambda"/>]; NaN is ignored.</summary>
    public void SetLambda(Guid vectorId, double lambda)
    {
        if (double.IsNaN(lambda)) return;
        if (knobs.FirstOrDefault(k => k.Vector.Id == vectorId) is { } knob) knob.Lambda = ClampLambda(lambda);
    }

    public static double ClampLambda(double lambda) => Math.Round(Math.Clamp(lambda, MinLambda, MaxLambda), 3);

    /// <summary>The vectors as the request's steering, in the order they were added.</summary>
    public IReadOnlyList<ChatSteering> ToSteering() => knobs.Select(k => new ChatSteering(k.Vector.Id, k.Lambda)).ToList();

    /// <summary>The request for the assistant's next turn: steered with every knob, or (for the compare column)
    /// with none — same model, conversation and sampling either way.</summary>
    public ChatRequest BuildRequest(string model, IReadOnlyList<SteerLab.Shared.Engine.ChatTurn> messages, ChatSampling sampling, bool steered = true) =>
        new(model, messages, steered ? ToSteering() : [], sampling, SteerAllPositions, DeltaCorrection);
}

/// <summary>One vector turned on in the chat.</summary>
public sealed class SteeringKnob(VectorSummary vector, double lambda)
{
    public VectorSummary Vector { get; } = vector;
    public double Lambda { get; internal set; } = lambda;
}
