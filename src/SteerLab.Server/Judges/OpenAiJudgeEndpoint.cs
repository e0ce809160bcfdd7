namespace SteerLab.Server.Judges;

/// <summary>What an <see cref="OpenAiJudge"/> calls and how: the endpoint's base URL (e.g. <c>https://api.openai.com/v1</c>),
/// the model, the API key in clear (null for an endpoint without one), one attempt's time limit, how many times a
/// transient failure is retried, and the sampling temperature. <see cref="ToString"/> leaves the key out, so the record
/// can be logged.</summary>
public sealed record OpenAiJudgeEndpoint(Uri BaseUrl, string Model, string? ApiKey, TimeSpan Timeout, int MaxRetries, double Temperature)
{
    /// <summary>"host[:port]" of the base URL: names the endpoint without its path, query or any user information.</summary>
    public string Host => BaseUrl.Authority;

    public override string ToString() =>
        $"{Model} at {BaseUrl.GetLeftPart(UriPartial.Authority)} (timeout {Timeout.TotalSeconds:0.###} s, {MaxRetries} retries, key {(ApiKey is null ? "none" : "set")})";
}
