namespace SteerLab.Engine.Evaluation.Report;

/// <summary>The report's sections, in the order they are run and written (issue 7, "Build" point 4).</summary>
public enum ReportSectionId
{
    SasVsCaa,
    DeltaCorrection,
    TauSweep,
    SaeWidth,
    Composition,
    EnrTopK,
    SaeTs,
}

/// <summary>How the SAEs of the width-scaling section are trained: TopK SAEs at the report's hook, on text the model
/// samples itself (the report has no corpus), one recipe for every width so that only the width differs.</summary>
public sealed record WidthSaeSettings
{
    public IReadOnlyList<int> Widths { get; init; } = [256, 512, 1024, 2048, 4096];
    public int K { get; init; } = 32;
    public int Steps { get; init; } = 400;
    public int BatchTokens { get; init; } = 1024;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Self-generated sequences of <see cref="SequenceTokens"/> new tokens (BOS first).</summary>
    public int Sequences { get; init; } = 1024;
    public int SequenceTokens { get; init; } = 128;
    public long Seed { get; init; } = 7;
}

/// <summary>Everything that decides what the report measures. The defaults are the committed report's settings;
/// <see cref="Quick"/> is a tiny version for tests. Coefficients: λ for SAS, α for dense vectors (CAA, top-k ENR);
/// each grid leaves out 0, which is the unsteered baseline every section shares.</summary>
public sealed record ReportSettings
{
    /// <summary>Neutral openings the model continues (the demo evaluation's eight, and more of the same kind).</summary>
    public static readonly IReadOnlyList<string> NeutralPrompts =
    [
        "The", "It was", "He said", "In the", "She", "There were", "When the", "We",
        "At the", "They", "This is", "One of the", "After the", "But the", "On the", "A",
        "If the", "For the", "As the", "Then", "It is", "His", "Her", "Some of the",
    ];

    public IReadOnlyList<ReportSectionId> Sections { get; init; } = Enum.GetValues<ReportSectionId>();

    /// <summary>Prompts × seeds continuations per measured point.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = NeutralPrompts.Take(16).ToList();
    public IReadOnlyList<long> Seeds { get; init; } = [1, 2, 3, 4];
    public int NewTokens { get; init; } = 40;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 0.95;
    public int GenerationBatchSize { get; init; } = 32;

    /// <summary>Share of each dataset's pairs (the last ones) kept out of every vector and used for the held-out
    /// log-likelihood gap.</summary>
    public double HeldOutFraction { get; init; } = 0.25;
    /// <summary>Use only each dataset's first pairs (null: all of them), before the split.</summary>
    public int? MaxPairs { get; init; }
    public int PerplexityWindowTokens { get; init; } = 64;
    public int PerplexityWindows { get; init; } = 48;

    /// <summary>SAS as the demo builds it: read as sentence means, a TopK SAE's codes on the two sides share nearly
    /// every frequent feature, so the paper's τ = 0.7 with common features removed leaves almost nothing
    /// (<see cref="Demo.DemoBuildOptions.SasTau"/>); the τ-sweep section shows both settings.</summary>
    public double SasTau { get; init; } = 0.3;
    public bool SasRemoveCommonFeatures { get; init; } = false;

    public IReadOnlyList<double> CaaAlphas { get; init; } = [-4, -2, -1, 1, 2, 4];
    public IReadOnlyList<double> SasLambdas { get; init; } = [-32, -16, -8, 8, 16, 32];
    /// <summary>Δ-correction section: the SAS coefficients compared with and without Δ.</summary>
    public IReadOnlyList<double> DeltaLambdas { get; init; } = [8, 16, 32];
    public IReadOnlyList<double> Taus { get; init; } = [0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
    /// <summary>The SAS coefficient at which τ-sweep, width and composition vectors are compared.</summary>
    public double SasProbeLambda { get; init; } = 16;
    public WidthSaeSettings WidthSaes { get; init; } = new();
    public double CompositionCaaAlpha { get; init; } = 2;
    public double CompositionSasLambda { get; init; } = 16;
    /// <summary>Top-k ENR: coordinates kept (d_model is the dense vector; values above d_model are dropped).</summary>
    public IReadOnlyList<int> EnrKs { get; init; } = [1, 4, 16, 64, 128, 256];
    public double EnrAlpha { get; init; } = 2;
    /// <summary>SAE-TS comparison: unit vectors scaled to these multiples of the mean residual-stream norm at the hook.</summary>
    public IReadOnlyList<double> SaeTsScales { get; init; } = [0.05, 0.1, 0.2, 0.3, 0.4];
    public int SaeTsEffectVectors { get; init; } = 512;
    public double SaeTsBeta { get; init; } = 1.25;

    /// <summary>A tiny run for tests: every section, few points, SAEs of two small widths trained for a few steps.</summary>
    public static ReportSettings Quick() => new()
    {
        Prompts = NeutralPrompts.Take(3).ToList(),
        Seeds = [1],
        NewTokens = 8,
        PerplexityWindows = 4,
        PerplexityWindowTokens = 32,
        CaaAlphas = [2],
        SasLambdas = [16],
        DeltaLambdas = [16],
        Taus = [0.3, 0.7],
        WidthSaes = new WidthSaeSettings { Widths = [32, 64], K = 8, Steps = 20, BatchTokens = 256, Sequences = 24, SequenceTokens = 32 },
        EnrKs = [4, 256],
        SaeTsScales = [0.2],
        MaxPairs = 24,
        SaeTsEffectVectors = 12,
    };

    public int SamplesPerPoint => Prompts.Count * Seeds.Count;

    public void Validate()
    {
        if (Sections.Count == 0) throw new ArgumentException("no report section selected");
        if (Prompts.Count == 0 || Prompts.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("the report needs at least one non-empty prompt");
        if (Seeds.Count == 0 || Seeds.Distinct().Count() != Seeds.Count) throw new ArgumentException("the report needs at least one seed, without repeats");
        if (NewTokens < 1) throw new ArgumentException($"new tokens must be ≥ 1, got {NewTokens}");
        if (MaxPairs is < 2) throw new ArgumentException($"at least 2 pairs per dataset are needed, got {MaxPairs}");
        if (!(HeldOutFraction > 0 && HeldOutFraction < 1)) throw new ArgumentException($"the held-out fraction must be in (0, 1), got {HeldOutFraction}");
        if (PerplexityWindowTokens < 2 || PerplexityWindows < 1) throw new ArgumentException("perplexity needs windows of at least 2 tokens");
        if (!(SasTau >= 0 && SasTau <= 1) || Taus.Any(t => !(t >= 0 && t <= 1))) throw new ArgumentException("every τ must be in [0, 1]");
        foreach (var (name, grid) in new[] { ("CAA α", CaaAlphas), ("SAS λ", SasLambdas), ("Δ λ", DeltaLambdas), ("SAE-TS scale", SaeTsScales) })
            if (grid.Count == 0 || grid.Any(v => !double.IsFinite(v) || v == 0) || grid.Distinct().Count() != grid.Count)
                throw new ArgumentException($"the {name} grid must be non-empty, finite, non-zero and without repeats");
        if (EnrKs.Count == 0 || EnrKs.Any(k => k < 1)) throw new ArgumentException("every top-k ENR k must be ≥ 1");
        if (WidthSaes.Widths.Count == 0 || WidthSaes.Widths.Any(w => w < WidthSaes.K)) throw new ArgumentException($"every SAE width must be at least k = {WidthSaes.K}");
        if (SaeTsEffectVectors < 5) throw new ArgumentException("SAE-TS needs at least 5 effect vectors to fit and validate");
    }
}
