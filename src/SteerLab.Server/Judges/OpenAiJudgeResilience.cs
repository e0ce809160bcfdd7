using System.ClientModel;
using System.Globalization;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace SteerLab.Server.Judges;

/// <summary>How an <see cref="OpenAiJudge"/> survives a flaky endpoint (Polly): each attempt has its own timeout, and a
/// transient failure — the attempt timed out, the endpoint could not be reached, or it answered 408, 429 or 5xx — is
/// retried with exponential backoff and jitter (a Retry-After from the endpoint wins, capped). Anything else, notably a
/// 400 or 401, is the caller's mistake and is not retried: the same request would fail again.</summary>
public static class OpenAiJudgeResilience
{
    /// <summary>The retries around the attempts. The timeout is a separate pipeline (<see cref="AttemptTimeout"/>) so that
    /// an attempt's time starts when it holds a concurrency slot, not while it waits for one.</summary>
    public static ResiliencePipeline Retries(int maxRetries, JudgeOptions timing, Action<int, Exception>? onRetry = null)
    {
        if (maxRetries == 0) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            MaxRetryAttempts = maxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = timing.RetryBaseDelay,
            MaxDelay = timing.RetryMaxDelay,
            DelayGenerator = arguments => ValueTask.FromResult(
                arguments.Outcome.Exception is { } e && RetryAfter(e) is { } asked ? Min(asked, timing.RetryMaxDelay) : (TimeSpan?)null),
            OnRetry = arguments =>
            {
                if (arguments.Outcome.Exception is { } e) onRetry?.Invoke(arguments.AttemptNumber + 1, e);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>One attempt's time limit: the call is cancelled and <see cref="TimeoutRejectedException"/> thrown.</summary>
    public static ResiliencePipeline AttemptTimeout(TimeSpan timeout) => new ResiliencePipelineBuilder().AddTimeout(timeout).Build();

    /// <summary>Whether the same request may well succeed if sent again.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutRejectedException => true,
        HttpRequestException => true,
        // Status 0: no response at all (connection refused or reset); the client wraps the HttpRequestException.
        ClientResultException { Status: 0 } => true,
        ClientResultException { Status: 408 or 429 or >= 500 } => true,
        IOException => true, // the connection dropped while the answer was being read
        _ => false,
    };

    /// <summary>How long the endpoint asked us to wait: OpenAI's <c>retry-after-ms</c>, or the standard Retry-After in
    /// seconds or as an HTTP date. Null when it did not say (or said something unreadable).</summary>
    public static TimeSpan? RetryAfter(Exception exception)
    {
        if (exception is not ClientResultException result || result.GetRawResponse() is not { } response) return null;
        if (response.Headers.TryGetValue("retry-after-ms", out string? ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds) && milliseconds >= 0 && double.IsFinite(milliseconds))
            return TimeSpan.FromMilliseconds(Math.Min(milliseconds, TimeSpan.FromDays(1).TotalMilliseconds));
        if (!response.Headers.TryGetValue("Retry-After", out string? after) || string.IsNullOrWhiteSpace(after)) return null;
        if (int.TryParse(after.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds)) return TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
        if (DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            var wait = when - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
