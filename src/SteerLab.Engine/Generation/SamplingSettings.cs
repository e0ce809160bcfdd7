namespace SteerLab.Engine.Generation;

/// <summary>How the next token is chosen. Temperature 0 is greedy (argmax); otherwise the logits are divided
/// by the temperature, cut to the <see cref="TopK"/> most likely tokens (0 = no cut) and to the smallest set
/// whose probability reaches <see cref="TopP"/> (1 = no cut), and sampled with a generator seeded by
/// <see cref="Seed"/> — one generator per prompt, so a prompt gets the same tokens alone or in a batch.</summary>
public sealed record SamplingSettings(double Temperature = 0, int TopK = 0, double TopP = 1.0, long Seed = 0)
{
    public static SamplingSettings Greedy { get; } = new();
    public bool IsGreedy => Temperature <= 0;

    public void Validate()
    {
        if (!double.IsFinite(Temperature) || Temperature < 0) throw new ArgumentException($"temperature must be a finite number ≥ 0, got {Temperature}");
        if (TopK < 0) throw new ArgumentException($"top-k must be ≥ 0 (0 = off), got {TopK}");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"top-p must be in (0, 1], got {TopP}");
    }
}
