namespace SteerLab.Shared.Engine;

/// <summary>The engine that was running a job is gone (a remote worker disconnected or stopped answering), so the
/// job has no result. Unlike a job failure, running the job again may well succeed.</summary>
public sealed class EngineLostException(string message) : Exception(message);
