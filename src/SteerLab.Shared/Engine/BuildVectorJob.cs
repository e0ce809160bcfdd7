namespace SteerLab.Shared.Engine;

/// <summary>Parameters of a "build-vector" job: build one steering vector (DESIGN §5) from a contrastive dataset. The
/// dataset travels inside the parameters because a remote worker cannot reach the server's database.</summary>
/// <param name="Model">A model folder relative to a model root ("steerlab-brown-demo").</param>
/// <param name="DatasetName">The dataset's name; it names the vector's behaviour and provenance.</param>
/// <param name="DatasetPairsJson">The pairs as a JSON array, as the server stores them (CAA A/B fields, or
/// prompt/positive/negative), read by the engine's own dataset reader.</param>
/// <param name="Method">"caa", "topk_enr", "sas" or "sae_ts" (as the vector document spells it).</param>
/// <param name="Hook">Hook point, e.g. "blocks.1.hook_resid_post".</param>
/// <param name="ReadPosition">"answer", "last-prompt" or "completion-mean" (plain pairs need completion-mean).</param>
/// <param name="Tau">SAS and SAE-TS: the frequency threshold τ in (0, 1].</param>
/// <param name="RemoveCommonFeatures">SAS: zero features active on both sides.</param>
/// <param name="K">Top-k ENR: coordinates kept.</param>
/// <param name="Sae">SAS and SAE-TS: the SAE folder relative to a model root ("sae").</param>
/// <param name="Name">The vector's name; default "{dataset}-{method}-{hook}".</param>
public sealed record BuildVectorJobParameters(
    string Model,
    string DatasetName,
    string DatasetPairsJson,
    string Method,
    string Hook,
    string ReadPosition = BuildVectorJobParameters.CompletionMean,
    double Tau = 0.7,
    bool RemoveCommonFeatures = true,
    int K = 64,
    string? Sae = null,
    string? Name = null)
{
    public const string AnswerToken = "answer";
    public const string LastPromptToken = "last-prompt";
    public const string CompletionMean = "completion-mean";

    public static IReadOnlyList<string> ReadPositions { get; } = [AnswerToken, LastPromptToken, CompletionMean];
}

/// <summary>What a "build-vector" job produced.</summary>
/// <param name="VectorDocument">The steerlab.vector/1 JSON document.</param>
/// <param name="VectorId">The vector's id in the library; set by the server when it stores the vector.</param>
/// <param name="ActivationsFromCache">Whether the activations came from the engine's cache.</param>
public sealed record BuildVectorJobResult(string VectorDocument, Guid? VectorId = null, bool ActivationsFromCache = false);
