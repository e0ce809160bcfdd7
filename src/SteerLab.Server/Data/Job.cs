using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Data;

/// <summary>A persisted unit of engine work and its life: queued, running (where, which attempt), and how it ended.
/// The job's result is written together with its final state, in one transaction.</summary>
public sealed class Job
{
    public Guid Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    /// <summary>One of SteerLab.Shared.Engine.EngineJobKinds.</summary>
    public required string Kind { get; set; }
    /// <summary>The model the job needs (relative to a model root); the scheduler matches it to a worker.</summary>
    public string? Model { get; set; }
    /// <summary>The kind's validated parameters as JSON.</summary>
    public required string ParametersJson { get; set; }
    public JobState State { get; set; }
    /// <summary>0..1.</summary>
    public double Progress { get; set; }
    public string? Message { get; set; }
    public string? Error { get; set; }
    public string? ResultJson { get; set; }
    /// <summary>How many times the job was started; also identifies the current run, so a late answer from an engine
    /// that lost the job cannot overwrite a newer run.</summary>
    public int Attempts { get; set; }
    /// <summary>"in-process" or the remote worker's id, for the latest attempt.</summary>
    public string? WorkerId { get; set; }
    /// <summary>The server instance that started the latest attempt (recovers it after a restart).</summary>
    public string? ServerInstance { get; set; }
    public bool CancelRequested { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}
