using Microsoft.Extensions.Options;
using SteerLab.Server.Data;

namespace SteerLab.Server.Judges;

/// <summary>Makes the <see cref="OpenAiJudge"/> a team's judge setting describes: its key unprotected, its concurrency
/// gate shared through <see cref="JudgeConcurrencyLimits"/>, the server-wide retry timing from
/// <see cref="JudgeOptions"/>.</summary>
public sealed class OpenAiJudgeFactory(JudgeApiKeys keys, JudgeConcurrencyLimits limits, IOptions<JudgeOptions> options, ILoggerFactory loggers)
{
    /// <exception cref="JudgeApiKeyUnreadableException">The stored key cannot be decrypted.</exception>
    /// <exception cref="UriFormatException">The stored base URL is not absolute (validation keeps such rows out).</exception>
    public OpenAiJudge Create(JudgeSetting setting)
    {
        string? key = setting.ProtectedApiKey is { } cipher ? keys.Unprotect(cipher, setting.Name) : null;
        var endpoint = new OpenAiJudgeEndpoint(new Uri(setting.BaseUrl, UriKind.Absolute), setting.Model, key,
            TimeSpan.FromSeconds(setting.TimeoutSeconds), setting.MaxRetries, setting.Temperature);
        return new OpenAiJudge(endpoint, limits.For(setting.Id, setting.MaxConcurrency), options.Value, loggers.CreateLogger<OpenAiJudge>());
    }
}
