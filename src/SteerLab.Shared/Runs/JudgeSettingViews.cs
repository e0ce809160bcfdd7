namespace SteerLab.Shared.Runs;

/// <summary>A team's OpenAI-compatible judge as pages show it: the key only as "set" or not, never its text.</summary>
public sealed record JudgeSettingView(Guid Id, string Name, string BaseUrl, string Model, bool HasApiKey, int MaxConcurrency, int TimeoutSeconds,
    int MaxRetries, double Temperature, DateTime UpdatedAt);

/// <summary>Create (<see cref="Id"/> null) or change a judge. <see cref="ApiKey"/> null keeps the stored key, "" removes
/// it, anything else replaces it.</summary>
public sealed record JudgeSettingRequest(Guid? Id, string Name, string BaseUrl, string Model, string? ApiKey, int MaxConcurrency = 4,
    int TimeoutSeconds = 60, int MaxRetries = 3, double Temperature = 0)
{
    public const int MaxMaxConcurrency = 32;
    public const int MaxTimeoutSeconds = 600;
    public const int MaxMaxRetries = 10;
}

public sealed record JudgeSettingSave(JudgeSettingView? Judge, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Saved => Judge is not null;
}

/// <summary>What one test call to a judge gave: its judgement of a fixed sample answer (status, score, raw text) and how
/// long it took.</summary>
public sealed record JudgeTestResult(string Status, double? Score, string RawText, string? Detail, int PromptTokens, int CompletionTokens, double Seconds);
