namespace SteerLab.Engine.Models.Training;

/// <summary>Shape of a LlamaForCausalLM trained from scratch, and how to optimise it (AdamW, linear warm-up then cosine
/// decay to <see cref="MinLearningRate"/>, gradient-norm clipping).</summary>
public sealed record LlamaTrainingOptions
{
    public int DModel { get; init; } = 256;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 4;
    public int FeedForward { get; init; } = 688;
    public int Context { get; init; } = 256;
    public int BatchSequences { get; init; } = 16;
    public int Steps { get; init; } = 2000;
    /// <summary>Share of the steps spent warming the learning rate up from 0.</summary>
    public double WarmupFraction { get; init; } = 0.05;
    public int WarmupSteps => Math.Max(1, (int)(Steps * WarmupFraction));
    public double LearningRate { get; init; } = 2e-3;
    public double MinLearningRate { get; init; } = 2e-4;
    public double WeightDecay { get; init; } = 0.1;
    public double GradientClip { get; init; } = 1.0;
    public long Seed { get; init; } = 1234;
    public int EvaluateEvery { get; init; } = 100;
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Held-out windows scored at each evaluation (bounded so evaluation stays a small share of the run).</summary>
    public int ValidationWindows { get; init; } = 96;

    public int TokensPerStep => Context * BatchSequences;

    public void Validate()
    {
        if (DModel <= 0 || Layers <= 0 || Heads <= 0 || FeedForward <= 0) throw new ArgumentException("model sizes must be positive");
        if (DModel % Heads != 0 || DModel / Heads % 2 != 0) throw new ArgumentException($"d_model {DModel} must split into {Heads} heads of an even size");
        if (Context < 8) throw new ArgumentException($"a context of {Context} tokens is too short");
        if (BatchSequences <= 0 || Steps <= 0 || !(WarmupFraction is >= 0 and < 1)) throw new ArgumentException("need batch > 0, steps > 0 and a warm-up fraction in [0, 1)");
        if (!(LearningRate > 0) || !(MinLearningRate >= 0) || MinLearningRate > LearningRate) throw new ArgumentException("need 0 ≤ min learning rate ≤ learning rate, learning rate > 0");
        if (EvaluateEvery <= 0 || CheckpointEvery <= 0 || ValidationWindows <= 0) throw new ArgumentException("evaluation and checkpoint intervals must be positive");
    }

    /// <summary>Linear warm-up from 0, then half a cosine from <see cref="LearningRate"/> to <see cref="MinLearningRate"/>.</summary>
    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        double progress = (double)(step - WarmupSteps) / Math.Max(1, Steps - WarmupSteps);
        return MinLearningRate + 0.5 * (LearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress));
    }
}
