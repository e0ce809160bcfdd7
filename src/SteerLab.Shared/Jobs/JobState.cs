namespace SteerLab.Shared.Jobs;

/// <summary>Where a job is in its life. Queued → Running → one of the final states; a Running job whose engine
/// was lost goes back to Queued (counted in its attempts), or to Interrupted when it cannot safely run again.</summary>
public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// <summary>The server stopped while the job ran and the job's kind is not safe to run twice: it was not re-run.</summary>
    Interrupted,
}

public static class JobStates
{
    public static bool IsFinal(this JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.Interrupted;
}
