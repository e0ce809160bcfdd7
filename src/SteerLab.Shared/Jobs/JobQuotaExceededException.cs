namespace SteerLab.Shared.Jobs;

/// <summary>A job was refused because its team already has as many jobs queued as the server allows
/// (<c>SteerLab:Limits:MaxQueuedJobsPerTeam</c>). The REST API answers 429; pages show the message.</summary>
public sealed class JobQuotaExceededException(string message) : Exception(message);
