namespace SteerLab.Shared.Engine;

/// <summary>One job for an engine to run.</summary>
/// <param name="JobId">The job's id in the server's database; progress and the result refer to it.</param>
/// <param name="Kind">What to do: one of <see cref="EngineJobKinds"/>.</param>
/// <param name="Model">The model the job needs, as a path relative to a model root (e.g. "stories260K"); null for
/// jobs that need no model.</param>
/// <param name="ParametersJson">The kind's parameters as JSON (for "generate": <see cref="GenerateJobParameters"/>),
/// already validated by the server.</param>
/// <param name="Attempt">1 for the first run, more when the job is re-run after its engine was lost.</param>
public sealed record EngineJobRequest(Guid JobId, string Kind, string? Model, string ParametersJson, int Attempt);

/// <summary>A step of a running job.</summary>
/// <param name="Fraction">How much is done, 0..1.</param>
/// <param name="Message">What is happening, for people ("token 3/40").</param>
/// <param name="TokenIds">Tokens produced since the previous progress message (generation only).</param>
/// <param name="Text">Text produced since the previous progress message (generation with a tokenizer only).</param>
/// <param name="Logprobs">For each of <paramref name="TokenIds"/>, how likely it and its alternatives were (generation
/// with TopLogprobs &gt; 0 only).</param>
public sealed record EngineJobProgress(Guid JobId, double Fraction, string? Message, int[]? TokenIds = null, string? Text = null, TokenLogprobs[]? Logprobs = null);

/// <summary>How a job ended on the engine.</summary>
public enum EngineJobStatus { Succeeded, Failed, Cancelled }

/// <summary>A job's end.</summary>
/// <param name="ResultJson">The kind's result as JSON (for "generate": <see cref="GenerateJobResult"/>); set when
/// <see cref="Status"/> is <see cref="EngineJobStatus.Succeeded"/>.</param>
/// <param name="Error">Why the job failed, in words a user can act on; set when it failed.</param>
public sealed record EngineJobResult(Guid JobId, EngineJobStatus Status, string? ResultJson = null, string? Error = null);

/// <summary>The job kinds engines know.</summary>
public static class EngineJobKinds
{
    /// <summary>Continue a prompt with a model (<see cref="GenerateJobParameters"/> → <see cref="GenerateJobResult"/>).</summary>
    public const string Generate = "generate";

    /// <summary>Build a steering vector from a dataset (<see cref="BuildVectorJobParameters"/> → <see cref="BuildVectorJobResult"/>).</summary>
    public const string BuildVector = "build-vector";

    /// <summary>A/B λ-sweep of vectors on a test set (<see cref="SweepJobParameters"/> → <see cref="SweepJobResult"/>).</summary>
    public const string Sweep = "sweep";

    /// <summary>Dashboards of SAE features over a corpus (<see cref="FeatureDashboardJobParameters"/> → <see cref="FeatureDashboardJobResult"/>).</summary>
    public const string FeatureDashboard = "feature-dashboard";

    /// <summary>Steered and unsteered answers to open questions, judged (<see cref="OpenEndedJobParameters"/> → <see cref="OpenEndedJobResult"/>).</summary>
    public const string OpenEnded = "open-ended";

    /// <summary>Perplexity inflation and A/B benchmark accuracy under steering (<see cref="SideEffectsJobParameters"/> → <see cref="SideEffectsJobResult"/>).</summary>
    public const string SideEffects = "side-effects";

    /// <summary>The evaluation report on the built-in demo (<see cref="ReportJobParameters"/> → <see cref="ReportJobResult"/>).</summary>
    public const string Report = "report";
}
