using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Shared.Runs;

/// <summary>A run as lists show it. <see cref="State"/>, <see cref="Progress"/> and <see cref="Message"/> are its engine
/// job's; <see cref="Judging"/> is the server-side judging phase, when the run has one.</summary>
public sealed record RunSummary(
    Guid Id,
    string Kind,
    string Name,
    string Model,
    Guid JobId,
    JobState State,
    double Progress,
    string? Message,
    string? Error,
    RunJudgingState? Judging,
    DateTime CreatedAt,
    string? CreatedBy,
    IReadOnlyList<string> VectorNames,
    Guid? RerunOf);

/// <summary>A run in full: what was asked, where it came from, and what it found so far. Exactly one of the results is
/// set once the run has results, matching <see cref="RunSummary.Kind"/>.</summary>
public sealed record RunView(
    RunSummary Summary,
    RunRequest Request,
    RunProvenance Provenance,
    JudgingView? Judging,
    SweepJobResult? AbSweep,
    OpenEndedResultView? OpenEnded,
    SideEffectsJobResult? SideEffects);

/// <summary>Everything needed to say what a run measured and to run it again (DESIGN §6).</summary>
/// <param name="ModelRevision">What identifies the model's weights: the revision recorded by the vectors, else the
/// SHA-256 of the model's config.json.</param>
/// <param name="SoftwareVersion">SteerLab's informational version (with the commit when built from git).</param>
/// <param name="Engine">Where the job ran ("in-process" or a worker's name), once it has run.</param>
public sealed record RunProvenance(
    string Model,
    string? ModelRevision,
    string SoftwareVersion,
    IReadOnlyList<VectorProvenance> Vectors,
    IReadOnlyList<DatasetProvenance> Datasets,
    IReadOnlyList<double> DenseLambdas,
    IReadOnlyList<double> SparseLambdas,
    bool DeltaCorrection,
    SamplingProvenance? Sampling,
    JudgeProvenance? Judge,
    string? Engine,
    DateTime CreatedAt);

/// <param name="Sha256">SHA-256 of the stored vector document.</param>
/// <param name="Sae">The SAE a sparse vector lives in ("{release}/{id}"), with its hash when known.</param>
public sealed record VectorProvenance(Guid Id, string Name, string Method, string Sha256, string? Sae, string? SaeSha256);

/// <param name="Role">"test set", "questions", "held-out text" or "benchmark".</param>
/// <param name="Id">The library dataset; null for questions stored with the run.</param>
/// <param name="Sha256">The dataset's content hash (for questions: SHA-256 of the questions JSON).</param>
/// <param name="Items">Pairs, questions or texts it holds; <paramref name="Used"/>: how many the run uses.</param>
public sealed record DatasetProvenance(string Role, Guid? Id, string Name, string Sha256, int Items, int Used);

public sealed record SamplingProvenance(double Temperature, double TopP, long Seed, int MaxNewTokens, string PromptFormat, long? JudgeSeed);

/// <summary>The judge as configured when the run started; an API key is never part of it.</summary>
public sealed record JudgeProvenance(string Kind, string Name, string? BaseUrl, string? Model, int? MaxConcurrency, int? TimeoutSeconds,
    int? MaxRetries, double? Temperature);

/// <summary>Progress of the server-side judging phase: judgements made (<see cref="Done"/>) of those to make, and the
/// tokens the judge consumed so far.</summary>
public sealed record JudgingView(RunJudgingState State, int Done, int Total, string? Message, string Judge, long PromptTokens, long CompletionTokens);
