using System.Text.Json;

namespace SteerLab.Shared.Jobs;

/// <summary>A job as the API and the pages show it.</summary>
/// <param name="Progress">0..1.</param>
/// <param name="Message">The latest progress message, or why the job was re-queued.</param>
/// <param name="Attempts">How many times the job was started (more than 1 after a lost engine or a restart).</param>
/// <param name="WorkerId">Where it ran last: "in-process" or a remote worker's name.</param>
/// <param name="Result">The kind's result (for "generate": a GenerateJobResult), when it succeeded.</param>
public sealed record JobView(
    Guid Id,
    string Kind,
    string? Model,
    JobState State,
    double Progress,
    string? Message,
    string? Error,
    int Attempts,
    string? WorkerId,
    bool CancelRequested,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    JsonElement Parameters,
    JsonElement? Result);

/// <summary>The body of <c>POST /api/jobs</c>.</summary>
/// <param name="Kind">The job kind, e.g. "generate".</param>
/// <param name="Parameters">The kind's parameters (for "generate": GenerateJobParameters).</param>
public sealed record CreateJobRequest(string Kind, JsonElement Parameters);

/// <summary>A live change of a job, pushed to subscribers (pages) as it happens. Progress updates carry the tokens
/// and text produced since the previous update (and their logprobs when the generate job asked for them).</summary>
public sealed record JobUpdate(Guid JobId, JobState State, double Progress, string? Message, int[]? TokenIds = null, string? Text = null,
    SteerLab.Shared.Engine.TokenLogprobs[]? Logprobs = null);
