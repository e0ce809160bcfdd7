namespace SteerLab.Server.Limits;

/// <summary>"SteerLab:Limits": bounds that keep one caller or team from taking the whole server (DESIGN §9). Upload
/// size and row count are under "SteerLab:Datasets" (MaxUploadBytes, MaxRows), beside the rest of the datasets'
/// settings.</summary>
public sealed record LimitOptions
{
    public const string SectionName = "SteerLab:Limits";

    /// <summary>Most new tokens one generate job may ask for (chat page, <c>/v1/chat/completions</c> max_tokens,
    /// <c>POST /api/jobs</c>). A request above it is refused with 400, not cut short.</summary>
    public int MaxNewTokens { get; init; } = 4096;

    /// <summary>Jobs of one team that run at once; the team's further jobs wait in the queue while other teams' jobs
    /// go ahead.</summary>
    public int MaxRunningJobsPerTeam { get; init; } = 8;

    /// <summary>Jobs one team may have waiting; one more is refused (429) until some start or are cancelled.</summary>
    public int MaxQueuedJobsPerTeam { get; init; } = 100;

    /// <summary>Generation and job-creating requests per caller (user, else API key, else IP address), shared by the
    /// REST and OpenAI-compatible endpoints and the chat page.</summary>
    public GenerationRateOptions GenerationRate { get; init; } = new();

    /// <summary>Largest SignalR message the engine hub accepts from a worker. A job's whole result is one message: a
    /// generation of 4096 tokens with 20 alternatives each is about 6.9 MB of JSON and a d_model 4096 dense vector
    /// about 50 KB (measured by HubMessageLimitTests), a feature dashboard of 64 features an estimated 3 MB at most;
    /// 16 MB leaves room (see README "Limits").</summary>
    public long EngineHubMessageBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Largest SignalR message a browser may send to its Blazor circuit (SignalR's default is 32 KB): a chat
    /// message typed or pasted into the page travels in one, and the server allows prompts of 200,000 characters.</summary>
    public long CircuitMessageBytes { get; init; } = 1024 * 1024;

    /// <summary>What is wrong with these settings, each problem naming its setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxNewTokens is < 1 or > MaxNewTokensBound)
            yield return $"{SectionName}:MaxNewTokens must be between 1 and {MaxNewTokensBound}, not {MaxNewTokens}";
        if (MaxRunningJobsPerTeam < 1) yield return $"{SectionName}:MaxRunningJobsPerTeam must be at least 1, not {MaxRunningJobsPerTeam}";
        if (MaxQueuedJobsPerTeam < 1) yield return $"{SectionName}:MaxQueuedJobsPerTeam must be at least 1, not {MaxQueuedJobsPerTeam}";
        if (GenerationRate.PermitLimit < 1) yield return $"{SectionName}:GenerationRate:PermitLimit must be at least 1, not {GenerationRate.PermitLimit}";
        if (GenerationRate.Window < TimeSpan.FromSeconds(1)) yield return $"{SectionName}:GenerationRate:Window must be at least 1 second, not {GenerationRate.Window}";
        if (EngineHubMessageBytes is < MinMessageBytes or > MaxMessageBytes)
            yield return $"{SectionName}:EngineHubMessageBytes must be between {MinMessageBytes} and {MaxMessageBytes}, not {EngineHubMessageBytes}";
        if (CircuitMessageBytes is < MinMessageBytes or > MaxMessageBytes)
            yield return $"{SectionName}:CircuitMessageBytes must be between {MinMessageBytes} and {MaxMessageBytes}, not {CircuitMessageBytes}";
    }

    /// <summary>What a stored chat setting can hold (as a prompt's token bound, GenerateJobKind.MaxPromptTokens).</summary>
    public const int MaxNewTokensBound = SteerLab.Shared.Chat.ChatSettingsJson.MaxNewTokensLimit;
    /// <summary>SignalR's own default; less breaks ordinary messages.</summary>
    public const long MinMessageBytes = 32 * 1024;
    /// <summary>A whole message is buffered before it is read: past this a bound is a mistake, not a setting.</summary>
    public const long MaxMessageBytes = 1L << 30;
}

/// <summary>"SteerLab:Limits:GenerationRate": a token bucket per caller holding <see cref="PermitLimit"/> requests,
/// refilled evenly over <see cref="Window"/> (so at most PermitLimit in a burst, and PermitLimit per Window in the long
/// run).</summary>
public sealed record GenerationRateOptions
{
    public int PermitLimit { get; init; } = 60;
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often one request is given back.</summary>
    public TimeSpan ReplenishmentPeriod => Window / PermitLimit is { Ticks: > 0 } period ? period : TimeSpan.FromTicks(1);
}
