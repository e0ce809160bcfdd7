using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.Timeout;
using SteerLab.Engine.Evaluation.Judges;

namespace SteerLab.Server.Judges;

/// <summary>A judge behind any OpenAI-compatible chat-completions endpoint (DESIGN §6, Judges), called through the
/// official OpenAI .NET client. It asks the shared rubric prompt (<see cref="RubricPrompt"/>) and reads the reply only
/// with <see cref="JudgeAnswerParser"/>, with the completion's token counts.
/// <para>Resilience is ours, not the client's: the client's own retries are off and its network timeout is only a
/// backstop, so that <see cref="OpenAiJudgeResilience"/> alone decides — a per-attempt timeout, retries of transient
/// failures with backoff and jitter, no retry of a 4xx other than 408/429. Each attempt first takes a slot of
/// <c>concurrency</c>, which is shared by every run using the same judge setting, so the endpoint never sees more than
/// the setting's MaxConcurrency requests from this server at once. When the retries are spent the judgement is
/// <see cref="JudgementStatus.Failed"/> with the last error and the number of attempts, never a score.</para>
/// <para>The API key goes only into the client's credential; no message, log line or judgement contains it.</para></summary>
public sealed class OpenAiJudge : IJudge
{
    /// <summary>Sent when the endpoint needs no key: the official client always sends an Authorization header, and a
    /// keyless server ignores it.</summary>
    public const string PlaceholderKey = "no-key";

    /// <summary>An error body kept as a failed judgement's raw text is cut to this many characters.</summary>
    const int MaxErrorBodyLength = 2000;

    readonly OpenAiJudgeEndpoint endpoint;
    readonly ChatClient client;
    readonly SemaphoreSlim concurrency;
    readonly ResiliencePipeline retries;
    readonly ResiliencePipeline attemptTimeout;
    readonly ILogger? logger;

    /// <param name="concurrency">Slots for attempts in flight; share one between all judges of the same setting.</param>
    public OpenAiJudge(OpenAiJudgeEndpoint endpoint, SemaphoreSlim concurrency, JudgeOptions timing, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint.Timeout, "an attempt needs a positive timeout");
        if (endpoint.MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint.MaxRetries, "retries cannot be negative");
        this.endpoint = endpoint;
        this.concurrency = concurrency;
        this.logger = logger;
        client = new ChatClient(endpoint.Model, new ApiKeyCredential(endpoint.ApiKey ?? PlaceholderKey), new OpenAIClientOptions
        {
            // The official client appends "/chat/completions" to the base URL; a trailing slash would double it.
            Endpoint = new Uri(endpoint.BaseUrl.AbsoluteUri.TrimEnd('/')),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // A backstop only: the attempt timeout below fires first and is what the judgement reports.
            NetworkTimeout = endpoint.Timeout + TimeSpan.FromSeconds(30),
        });
        retries = OpenAiJudgeResilience.Retries(endpoint.MaxRetries, timing, (attempt, e) =>
            logger?.LogInformation("Judge {Judge}: attempt {Attempt} failed ({Error}); retrying", Name, attempt, Describe(e)));
        attemptTimeout = OpenAiJudgeResilience.AttemptTimeout(endpoint.Timeout);
    }

    /// <summary>"openai:{model}@{host}".</summary>
    public string Name => $"openai:{endpoint.Model}@{endpoint.Host}";

    public async Task<Judgement> ScoreAsync(JudgeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int attempts = 0;
        try
        {
            List<OpenAI.Chat.ChatMessage> messages = [.. RubricPrompt.Messages(request).Select(ToOpenAi)];
#pragma warning disable OPENAI001 // Seed is marked experimental in the official client; judges that sample need it for reproducibility.
            var options = new ChatCompletionOptions { Temperature = (float)endpoint.Temperature, Seed = request.Seed };
#pragma warning restore OPENAI001
            var completion = await retries.ExecuteAsync(async token =>
            {
                await concurrency.WaitAsync(token);
                try
                {
                    Interlocked.Increment(ref attempts);
                    return await attemptTimeout.ExecuteAsync(
                        async attemptToken => (await client.CompleteChatAsync(messages, options, attemptToken)).Value, token);
                }
                finally { concurrency.Release(); }
            }, cancellationToken);
            string reply = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
            if (reply.Length == 0 && !string.IsNullOrEmpty(completion.Refusal)) reply = completion.Refusal;
            return JudgeAnswerParser.Parse(reply, completion.Usage?.InputTokenCount ?? 0, completion.Usage?.OutputTokenCount ?? 0);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            int made = Volatile.Read(ref attempts);
            string detail = OpenAiJudgeResilience.IsTransient(e)
                ? $"gave up after {made} attempt{(made == 1 ? "" : "s")} ({endpoint.MaxRetries} retries allowed); the last one: {Describe(e)}"
                : made == 0 ? $"the request could not be made: {Describe(e)}"
                : $"{Describe(e)} (not retried: only timeouts, connection failures, 408, 429 and 5xx are; attempt {made})";
            detail = WithoutKey(detail);
            logger?.LogWarning("Judge {Judge}: {Detail}", Name, detail);
            return Judgement.NotScored(JudgementStatus.Failed, WithoutKey(ErrorBody(e)), detail);
        }
    }

    /// <summary>One line naming what went wrong, without the request (hence without the key).</summary>
    string Describe(Exception e) => e switch
    {
        TimeoutRejectedException => $"no answer within {endpoint.Timeout.TotalSeconds:0.###} s",
        ClientResultException { Status: 0 } r => $"could not reach {endpoint.Host}: {OneLine((r.InnerException ?? r).Message)}",
        ClientResultException r => $"HTTP {r.Status} from {endpoint.Host}: {OneLine(r.Message)}",
        HttpRequestException h => $"could not reach {endpoint.Host}: {OneLine(h.Message)}",
        _ => $"{e.GetType().Name}: {OneLine(e.Message)}",
    };

    /// <summary>An endpoint's words with the API key taken out: some echo a rejected key in their error, and what is kept
    /// of a failed judgement is shown to everyone who reads the run.</summary>
    string WithoutKey(string text) =>
        endpoint.ApiKey is { Length: >= 8 } key ? text.Replace(key, "[API key removed]", StringComparison.Ordinal) : text;

    /// <summary>The endpoint's error body, when it sent one: what it said is worth keeping for the person reading the
    /// failed judgement (without the key, see <see cref="WithoutKey"/>).</summary>
    static string ErrorBody(Exception e)
    {
        if (e is not ClientResultException result || result.GetRawResponse() is not { } response) return "";
        string body;
        try { body = response.Content.ToString(); }
        catch (InvalidOperationException) { return ""; } // not buffered
        return body.Length <= MaxErrorBodyLength ? body : body[..MaxErrorBodyLength] + "…";
    }

    static string OneLine(string text)
    {
        string line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 400 ? line : line[..400] + "…";
    }

    static OpenAI.Chat.ChatMessage ToOpenAi(SteerLab.Engine.Models.Tokenizers.ChatMessage message) => message.Role switch
    {
        "system" => new SystemChatMessage(message.Content),
        "assistant" => new AssistantChatMessage(message.Content),
        _ => new UserChatMessage(message.Content),
    };
}
