using SteerLab.Shared.Runs;

namespace SteerLab.Server.Data;

/// <summary>One evaluation run (DESIGN §6): an A/B sweep, an open-ended run or a side-effects run of library vectors,
/// with the request that made it (re-runnable as it is) and its provenance. The engine's work is the job
/// <see cref="JobId"/>; an open-ended run judged by an OpenAI-compatible endpoint has a second, server-side phase
/// (<see cref="JudgingState"/>) that scores its stored answers one judgement at a time.</summary>
public sealed class EvaluationRun
{
    public Guid Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    /// <summary>One of <see cref="RunKinds"/>.</summary>
    public required string Kind { get; set; }
    public required string Name { get; set; }
    /// <summary>The model folder relative to a model root.</summary>
    public required string Model { get; set; }
    /// <summary>The engine job that produces the run's results.</summary>
    public Guid JobId { get; set; }
    /// <summary>The <see cref="RunRequest"/> as JSON: a re-run sends it again.</summary>
    public required string RequestJson { get; set; }
    /// <summary>The <see cref="RunProvenance"/> as JSON, fixed when the run was created.</summary>
    public required string ProvenanceJson { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The run this one repeats, when it was started with "Re-run".</summary>
    public Guid? RerunOf { get; set; }

    /// <summary>The team's OpenAI-compatible judge that scores the answers on the server; null when the engine judged
    /// them (the model or the classifier judge) or the run has no answers to judge.</summary>
    public Guid? JudgeSettingId { get; set; }
    /// <summary>The server-side judging phase; null when there is none.</summary>
    public RunJudgingState? JudgingState { get; set; }
    public string? JudgingMessage { get; set; }
    /// <summary>The server instance judging now (a restarted server resumes what a dead one left).</summary>
    public string? JudgingServerInstance { get; set; }
    public DateTime? JudgingFinishedAt { get; set; }
}
