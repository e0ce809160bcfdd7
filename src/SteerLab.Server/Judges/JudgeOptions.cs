using Microsoft.Extensions.Options;

namespace SteerLab.Server.Judges;

/// <summary>"SteerLab:Judges": how the server calls the teams' OpenAI-compatible judges and how often it looks for runs
/// waiting to be judged. Each judge's own timeout, retries and concurrency are the team's setting
/// (<see cref="Data.JudgeSetting"/>); these are the server-wide parts.</summary>
public sealed record JudgeOptions
{
    public const string SectionName = "SteerLab:Judges";

    /// <summary>The first retry waits about this long; each further one twice as long, with jitter (exponential backoff).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No retry waits longer than this, whatever the backoff or a Retry-After header asks.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the database is looked at for runs to judge, and for a cancellation of the runs being judged,
    /// without being woken (another server instance may have queued or cancelled one).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs judged at once by this server instance (each still bounded by its judge's concurrency).</summary>
    public int MaxRunsAtOnce { get; init; } = 4;
}

/// <summary>Refuses to start with judge settings that cannot work, naming the setting.</summary>
public sealed class JudgeOptionsValidation : IValidateOptions<JudgeOptions>
{
    public ValidateOptionsResult Validate(string? name, JudgeOptions options)
    {
        List<string> problems = [];
        if (options.RetryBaseDelay <= TimeSpan.Zero) problems.Add($"{JudgeOptions.SectionName}:RetryBaseDelay must be positive, not {options.RetryBaseDelay}");
        if (options.RetryMaxDelay < options.RetryBaseDelay)
            problems.Add($"{JudgeOptions.SectionName}:RetryMaxDelay ({options.RetryMaxDelay}) must not be shorter than RetryBaseDelay ({options.RetryBaseDelay})");
        if (options.PollInterval <= TimeSpan.Zero) problems.Add($"{JudgeOptions.SectionName}:PollInterval must be positive, not {options.PollInterval}");
        if (options.MaxRunsAtOnce < 1) problems.Add($"{JudgeOptions.SectionName}:MaxRunsAtOnce must be at least 1, not {options.MaxRunsAtOnce}");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
