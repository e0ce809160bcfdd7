namespace SteerLab.Engine.Sae.Dashboards;

/// <summary>How much a dashboard keeps per feature.</summary>
public sealed record FeatureDashboardOptions
{
    public int TopContexts { get; init; } = 8;
    public int HistogramBins { get; init; } = 20;
    /// <summary>Tokens kept before the activating token in a context window.</summary>
    public int ContextBefore { get; init; } = 12;
    /// <summary>Tokens kept after it.</summary>
    public int ContextAfter { get; init; } = 4;
    /// <summary>Longer texts are scanned up to here (their beginning); bounds one forward's memory.</summary>
    public int MaxTokensPerText { get; init; } = 256;
}
