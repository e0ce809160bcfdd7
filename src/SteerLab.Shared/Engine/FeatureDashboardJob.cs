namespace SteerLab.Shared.Engine;

/// <summary>Parameters of a "feature-dashboard" job: for some features of an SAE, scan a corpus of texts through the
/// model and summarise how each feature fires (DESIGN §4). The corpus travels inside the parameters because a remote
/// worker cannot reach the server's database.</summary>
/// <param name="Model">A model folder relative to a model root ("steerlab-brown-demo").</param>
/// <param name="Sae">The SAE folder relative to a model root ("sae").</param>
/// <param name="Hook">Where the SAE reads the residual stream ("blocks.1.hook_resid_post"); null: the SAE's own hook.</param>
/// <param name="Features">The feature indices to describe, in the order the result should list them.</param>
/// <param name="CorpusName">What the texts are, for people ("dataset romance-vs-press: prompt + each completion").</param>
/// <param name="Texts">The corpus; each text is tokenized with BOS and cut at <paramref name="MaxTokensPerText"/> tokens.</param>
/// <param name="TopContexts">Highest-activating contexts kept per feature.</param>
/// <param name="HistogramBins">Bins of the activation histogram (over the tokens where the feature fires).</param>
/// <param name="ContextBefore">Tokens shown before the max-activating token of a context.</param>
/// <param name="ContextAfter">Tokens shown after it.</param>
/// <param name="TopLogits">Promoted and suppressed tokens listed per feature.</param>
public sealed record FeatureDashboardJobParameters(
    string Model,
    string Sae,
    string? Hook,
    int[] Features,
    string CorpusName,
    string[] Texts,
    int TopContexts = 8,
    int HistogramBins = 20,
    int ContextBefore = 12,
    int ContextAfter = 4,
    int TopLogits = 10,
    int MaxTokensPerText = 256)
{
    public const int MaxFeatures = 64;
    public const int MaxTexts = 20_000;
    public const int MaxTextChars = 20_000;
    public const int MaxTopContexts = 50;
    public const int MaxHistogramBins = 100;
    public const int MaxContextTokens = 64;
    public const int MaxTopLogits = 50;
    public const int MaxTokensLimit = 4096;
}

/// <summary>What a "feature-dashboard" job found.</summary>
/// <param name="CorpusName">As the parameters named it.</param>
/// <param name="TextCount">Texts scanned.</param>
/// <param name="TokenCount">Tokens whose activations were looked at (BOS excluded: it is not text, and features often
/// fire on it for reasons unrelated to the text).</param>
/// <param name="TruncatedTexts">Texts longer than the token limit, of which only the beginning was scanned.</param>
public sealed record FeatureDashboardJobResult(
    string CorpusName,
    int TextCount,
    long TokenCount,
    int TruncatedTexts,
    IReadOnlyList<FeatureDashboardView> Features);

/// <summary>One feature's dashboard.</summary>
/// <param name="FiringCount">Tokens where the feature's activation is above zero.</param>
/// <param name="FiringFrequency">FiringCount / the result's TokenCount.</param>
/// <param name="MaxActivation">The largest activation seen (0 when it never fired).</param>
/// <param name="Histogram">Activations of the firing tokens, in equal bins from 0.</param>
/// <param name="TopContexts">The highest-activating tokens with their surroundings, highest first.</param>
/// <param name="Promoted">Tokens whose logits the feature's decoder direction raises most (W_dec[f] · W_U), largest first.</param>
/// <param name="Suppressed">Tokens it lowers most, most negative first.</param>
public sealed record FeatureDashboardView(
    int Feature,
    long FiringCount,
    double FiringFrequency,
    double MaxActivation,
    double MeanActivation,
    ActivationHistogram Histogram,
    IReadOnlyList<ActivatingContextView> TopContexts,
    IReadOnlyList<TokenLogitView> Promoted,
    IReadOnlyList<TokenLogitView> Suppressed);

/// <summary>Counts of activations in bins [i·BinWidth, (i+1)·BinWidth); the last bin also holds its upper edge.</summary>
public sealed record ActivationHistogram(double BinWidth, long[] Counts);

/// <summary>A window of text around one activating token.</summary>
/// <param name="TextIndex">Which corpus text (0-based).</param>
/// <param name="Tokens">The window's tokens as text pieces (joined, they read as the text).</param>
/// <param name="MarkedToken">Index into <paramref name="Tokens"/> of the token the activation belongs to.</param>
public sealed record ActivatingContextView(int TextIndex, double Activation, IReadOnlyList<string> Tokens, int MarkedToken);

/// <summary>One vocabulary entry and a logit contribution.</summary>
public sealed record TokenLogitView(int TokenId, string Token, double Logit);
