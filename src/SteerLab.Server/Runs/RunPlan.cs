using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>A valid run request turned into what is stored: the engine job (kind, canonical parameters, model), the
/// request as re-runs will send it again (vector ids without repeats, so a series index is a position in it), the
/// run's name and provenance, and the server-side judging phase when an OpenAI-compatible judge scores the answers.</summary>
public sealed record RunPlan(
    string JobKind,
    string ParametersJson,
    string Model,
    RunRequest Request,
    string Name,
    RunProvenance Provenance,
    Guid? JudgeSettingId,
    RunJudgingState? JudgingState);

/// <summary>One kind's share of a plan: the job's parameters (before the job kind validates them) and what provenance
/// says about the kind's datasets, sampling and judge.</summary>
sealed record RunKindPart(
    string JobKind,
    object Parameters,
    IReadOnlyList<DatasetProvenance> Datasets,
    SamplingProvenance? Sampling = null,
    JudgeProvenance? Judge = null,
    Guid? JudgeSettingId = null,
    RunJudgingState? JudgingState = null);
