namespace SteerLab.Shared.Runs;

/// <summary>The team's OpenAI-compatible judges (DESIGN §6, Judges). Listing needs any role; saving, deleting and
/// testing need editor.</summary>
public interface IJudgeSettingsService
{
    Task<IReadOnlyList<JudgeSettingView>> ListAsync(CancellationToken cancellationToken = default);

    Task<JudgeSettingSave> SaveAsync(JudgeSettingRequest request, CancellationToken cancellationToken = default);

    /// <summary>False when the team has no such judge.</summary>
    Task<bool> DeleteAsync(Guid judgeId, CancellationToken cancellationToken = default);

    /// <summary>Asks the judge to score a fixed sample answer once (with its retries and timeout); null when there is no
    /// such judge.</summary>
    Task<JudgeTestResult?> TestAsync(Guid judgeId, CancellationToken cancellationToken = default);
}
