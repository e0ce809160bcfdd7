using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Server.Judges;

namespace SteerLab.Server.Tests.Judges;

/// <summary>The OpenAI-compatible judge against misbehaving endpoints over real HTTP (a Kestrel stub on loopback), called
/// through the official client: strict parsing of what it says, retries only of what may pass on a second try, a
/// per-attempt timeout, and the concurrency limit.</summary>
public sealed class OpenAiJudgeTests
{
    const string Key = "sk-test-secret-key-0123456789";

    /// <summary>Short backoff so that retries cost milliseconds, not seconds.</summary>
    static readonly JudgeOptions QuickRetries = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(20), RetryMaxDelay = TimeSpan.FromMilliseconds(200) };

    static readonly JudgeRequest Behaviour = new(RubricItem.Behaviour, "How was your day?", "It was lovely, thank you.", "talks about love", Seed: 1234);

    static OpenAiJudge Judge(StubJudgeServer stub, int maxRetries = 2, double timeoutSeconds = 2, string? key = Key, int maxConcurrency = 4, double temperature = 0) =>
        new(new OpenAiJudgeEndpoint(new Uri(stub.BaseUrl), "judge-model", key, TimeSpan.FromSeconds(timeoutSeconds), maxRetries, temperature),
            new SemaphoreSlim(maxConcurrency, maxConcurrency), QuickRetries);

    [Fact]
    public async Task ScoredReply_IsReadWithTokenCounts_AndTheRequestCarriesModelPromptTemperatureSeedAndKey()
    {
        await using var stub = await StubJudgeServer.StartAsync("7");
        var judge = Judge(stub, temperature: 0.5);

        var judgement = await judge.ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Scored, judgement.Status);
        Assert.Equal(7, judgement.Score);
        Assert.Equal("7", judgement.RawText);
        Assert.Equal(StubJudgeServer.PromptTokens, judgement.PromptTokens);
        Assert.Equal(StubJudgeServer.CompletionTokens, judgement.CompletionTokens);
        Assert.Equal($"openai:judge-model@{new Uri(stub.BaseUrl).Authority}", judge.Name);

        var body = Assert.Single(stub.Bodies);
        Assert.Equal("judge-model", body.GetProperty("model").GetString());
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble(), 6);
        Assert.Equal(1234, body.GetProperty("seed").GetInt64());
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(RubricPrompt.SystemInstruction, Text(messages[0].GetProperty("content")));
        Assert.Equal(RubricPrompt.UserMessage(Behaviour), Text(messages[1].GetProperty("content")));
        Assert.Equal($"Bearer {Key}", Assert.Single(stub.Authorizations));
    }

    [Fact]
    public async Task EndpointWithoutKey_GetsThePlaceholderCredential()
    {
        await using var stub = await StubJudgeServer.StartAsync("3");

        var judgement = await Judge(stub, key: null).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(3, judgement.Score);
        Assert.Equal($"Bearer {OpenAiJudge.PlaceholderKey}", Assert.Single(stub.Authorizations));
    }

    [Fact]
    public async Task GarbageReply_IsUnparseable_WithTheRawTextKept()
    {
        const string garbage = "Well, I would say the answer is quite loving: 8/10!";
        await using var stub = await StubJudgeServer.StartAsync(garbage);

        var judgement = await Judge(stub).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Unparseable, judgement.Status);
        Assert.Null(judgement.Score);
        Assert.Equal(garbage, judgement.RawText);
        Assert.Equal(StubJudgeServer.PromptTokens, judgement.PromptTokens);
        Assert.Equal(1, stub.Requests); // an answer that cannot be read is not retried: it is the judge's answer
    }

    [Theory]
    [InlineData("11")]
    [InlineData("-3")]
    public async Task ScoreOutsideTheScale_IsOutOfRange_NeverClamped(string reply)
    {
        await using var stub = await StubJudgeServer.StartAsync(reply);

        var judgement = await Judge(stub).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.OutOfRange, judgement.Status);
        Assert.Null(judgement.Score);
        Assert.Equal(reply, judgement.RawText);
        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task JudgeThatNeverAnswers_IsRetriedMaxRetriesTimes_ThenFailed()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => StubAnswer.Never);

        var judgement = await Judge(stub, maxRetries: 2, timeoutSeconds: 1).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Failed, judgement.Status);
        Assert.Null(judgement.Score);
        Assert.Equal("", judgement.RawText);
        Assert.Equal(3, stub.Requests); // the first attempt and MaxRetries = 2 more
        Assert.Contains("gave up after 3 attempts", judgement.Detail);
        Assert.Contains("no answer within 1 s", judgement.Detail);
    }

    [Fact]
    public async Task ServiceUnavailableTwice_ThenAScore_IsScoredAfterTheRetries()
    {
        await using var stub = await StubJudgeServer.StartAsync(n => n <= 2 ? StubAnswer.Error(503) : StubAnswer.Reply("7"));

        var judgement = await Judge(stub, maxRetries: 3).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Scored, judgement.Status);
        Assert.Equal(7, judgement.Score);
        Assert.Equal(3, stub.Requests);
    }

    [Fact]
    public async Task RateLimited_IsRetried_AndRetriesRunOut()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => StubAnswer.Error(429));

        var judgement = await Judge(stub, maxRetries: 1).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Failed, judgement.Status);
        Assert.Equal(2, stub.Requests);
        Assert.Contains("HTTP 429", judgement.Detail);
        Assert.Contains("stub says 429", judgement.RawText); // the endpoint's error body is kept for the reader
    }

    [Fact]
    public async Task RetryAfter_IsHonoured_WithinTheMaximumDelay()
    {
        // OpenAI's retry-after-ms asks for 180 ms, far above the 20 ms backoff (and under the 200 ms cap): the retry waits
        // at least that long.
        await using var asked = await StubJudgeServer.StartAsync(n => n == 1
            ? StubAnswer.Error(429, new Dictionary<string, string> { ["retry-after-ms"] = "180" }) : StubAnswer.Reply("7"));
        var judgement = await Judge(asked).ScoreAsync(Behaviour, CancellationToken.None);
        Assert.Equal(7, judgement.Score);
        var gap = System.Diagnostics.Stopwatch.GetElapsedTime(asked.Arrivals.First(), asked.Arrivals.Last());
        Assert.True(gap >= TimeSpan.FromMilliseconds(175), $"retried {gap.TotalMilliseconds} ms after the 429");

        // An hour's Retry-After is capped at RetryMaxDelay (200 ms here), not waited for.
        await using var greedy = await StubJudgeServer.StartAsync(n => n == 1
            ? StubAnswer.Error(503, new Dictionary<string, string> { ["Retry-After"] = "3600" }) : StubAnswer.Reply("4"));
        Assert.Equal(4, (await Judge(greedy).ScoreAsync(Behaviour, CancellationToken.None)).Score);
        Assert.Equal(2, greedy.Requests);
    }

    [Fact]
    public async Task Unauthorized_FailsAtOnce_WithoutRetry_AndNeverShowsTheKey()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => StubAnswer.Error(401));

        var judgement = await Judge(stub, maxRetries: 3).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Failed, judgement.Status);
        Assert.Equal(1, stub.Requests);
        Assert.Contains("HTTP 401", judgement.Detail);
        Assert.Contains("not retried", judgement.Detail);
        Assert.DoesNotContain(Key, judgement.Detail);
        Assert.DoesNotContain(Key, judgement.RawText);
    }

    [Fact]
    public async Task AnEndpointEchoingTheKey_InItsError_HasItRemoved_FromWhatIsKept()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => new StubAnswer(401, $"Incorrect API key provided: {Key}. Find yours at …", TimeSpan.Zero));

        var judgement = await Judge(stub).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Failed, judgement.Status);
        Assert.DoesNotContain(Key, judgement.RawText);
        Assert.DoesNotContain(Key, judgement.Detail);
        Assert.Contains("Incorrect API key provided: [API key removed]", judgement.RawText); // the rest is kept
    }

    [Fact]
    public async Task BadRequest_IsNotRetried()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => StubAnswer.Error(400));

        var judgement = await Judge(stub, maxRetries: 3).ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Failed, judgement.Status);
        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task EndpointThatIsNotListening_IsRetried_ThenFailedNamingTheHost()
    {
        var stub = await StubJudgeServer.StartAsync("7");
        var judge = Judge(stub, maxRetries: 1);
        string host = new Uri(stub.BaseUrl).Authority;
        await stub.DisposeAsync(); // the port is closed now: connections are refused

        var judgement = await judge.ScoreAsync(Behaviour, CancellationToken.None);

        Assert.Equal(JudgementStatus.Failed, judgement.Status);
        Assert.Contains("gave up after 2 attempts", judgement.Detail);
        Assert.Contains($"could not reach {host}", judgement.Detail);
    }

    [Fact]
    public async Task ConcurrencyLimit_BoundsTheRequestsInFlight()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => StubAnswer.Reply("5", TimeSpan.FromMilliseconds(300)));
        var judge = Judge(stub, maxConcurrency: 2);

        var judgements = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => judge.ScoreAsync(Behaviour, CancellationToken.None)));

        Assert.All(judgements, j => Assert.Equal(5, j.Score));
        Assert.Equal(6, stub.Requests);
        Assert.InRange(stub.MaxInFlight, 1, 2);
    }

    [Fact]
    public async Task CancellingTheCaller_ThrowsInsteadOfRecordingAFailure()
    {
        await using var stub = await StubJudgeServer.StartAsync(_ => StubAnswer.Never);
        using var cancel = new CancellationTokenSource();
        var scoring = Judge(stub, timeoutSeconds: 30).ScoreAsync(Behaviour, cancel.Token);
        while (stub.Requests == 0) await Task.Delay(10);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scoring);
    }

    /// <summary>A message's content as a string or as text parts.</summary>
    static string Text(System.Text.Json.JsonElement content) => content.ValueKind == System.Text.Json.JsonValueKind.String
        ? content.GetString()!
        : string.Concat(content.EnumerateArray().Select(part => part.GetProperty("text").GetString()));

    [Fact]
    public void ConcurrencyGates_AreSharedPerSetting_AndRenewedWhenTheLimitChanges()
    {
        var limits = new JudgeConcurrencyLimits();
        var setting = Guid.NewGuid();

        var gate = limits.For(setting, 2);

        Assert.Same(gate, limits.For(setting, 2));
        Assert.NotSame(gate, limits.For(Guid.NewGuid(), 2));
        var resized = limits.For(setting, 3);
        Assert.NotSame(gate, resized);
        Assert.Equal(3, resized.CurrentCount);
    }

    [Fact]
    public void EndpointRecord_NeverPrintsTheKey()
    {
        var endpoint = new OpenAiJudgeEndpoint(new Uri("https://judge.example/v1"), "m", Key, TimeSpan.FromSeconds(5), 1, 0);

        Assert.DoesNotContain(Key, endpoint.ToString());
        Assert.Contains("key set", endpoint.ToString());
    }
}
