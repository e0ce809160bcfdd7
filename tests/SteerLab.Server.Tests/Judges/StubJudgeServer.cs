using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SteerLab.Server.Tests.Judges;

/// <summary>What the stub answers one request: a reply text (status 200, in OpenAI's chat-completion shape with usage), or
/// an error status (with the text as the error's message, if any), after an optional delay (a delay past the judge's timeout is a judge that never answers).</summary>
public sealed record StubAnswer(int Status, string Text, TimeSpan Delay, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static StubAnswer Reply(string text, TimeSpan delay = default) => new(200, text, delay);
    public static StubAnswer Error(int status, IReadOnlyDictionary<string, string>? headers = null) => new(status, "", TimeSpan.Zero, headers);
    public static StubAnswer Never { get; } = new(200, "7", TimeSpan.FromMinutes(5));
}

/// <summary>A misbehaving OpenAI-compatible judge: a minimal Kestrel app on a loopback port answering
/// <c>POST /v1/chat/completions</c> as the test scripts it (by the request's number, 1-based). It counts the requests,
/// the most it had in flight at once, and keeps each request's body and Authorization header.</summary>
public sealed class StubJudgeServer : IAsyncDisposable
{
    public const int PromptTokens = 42;
    public const int CompletionTokens = 1;

    readonly WebApplication app;
    readonly Func<int, StubAnswer> script;
    int requests, inFlight, maxInFlight, aborted;

    StubJudgeServer(WebApplication app, Func<int, StubAnswer> script)
    {
        this.app = app;
        this.script = script;
    }

    /// <summary>The base URL a judge setting would hold ("http://127.0.0.1:port/v1").</summary>
    public string BaseUrl { get; private set; } = "";

    public int Requests => Volatile.Read(ref requests);

    /// <summary>The most requests the stub was answering at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    /// <summary>Requests the caller gave up on while the stub was still delaying its answer.</summary>
    public int Aborted => Volatile.Read(ref aborted);

    public ConcurrentQueue<JsonElement> Bodies { get; } = new();
    /// <summary>When each request arrived (Stopwatch timestamps), in order of arrival.</summary>
    public ConcurrentQueue<long> Arrivals { get; } = new();
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public static Task<StubJudgeServer> StartAsync(string reply) => StartAsync(_ => StubAnswer.Reply(reply));

    public static async Task<StubJudgeServer> StartAsync(Func<int, StubAnswer> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new StubJudgeServer(app, script);
        app.MapPost("/v1/chat/completions", stub.AnswerAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        stub.BaseUrl = address.TrimEnd('/') + "/v1";
        return stub;
    }

    async Task AnswerAsync(HttpContext context)
    {
        Arrivals.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
        int number = Interlocked.Increment(ref requests);
        int now = Interlocked.Increment(ref inFlight);
        for (int seen = Volatile.Read(ref maxInFlight); now > seen; seen = Volatile.Read(ref maxInFlight))
            if (Interlocked.CompareExchange(ref maxInFlight, now, seen) == seen) break;
        try
        {
            using (var body = await JsonDocument.ParseAsync(context.Request.Body)) Bodies.Enqueue(body.RootElement.Clone());
            Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            var answer = script(number);
            if (answer.Delay > TimeSpan.Zero)
            {
                try { await Task.Delay(answer.Delay, context.RequestAborted); }
                catch (OperationCanceledException) // the judge gave up on this attempt
                {
                    Interlocked.Increment(ref aborted);
                    return;
                }
            }
            context.Response.StatusCode = answer.Status;
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            if (answer.Status != 200)
            {
                string message = answer.Text.Length > 0 ? answer.Text : $"stub says {answer.Status}";
                await context.Response.WriteAsJsonAsync(new { error = new { message, type = "stub_error" } });
                return;
            }
            await context.Response.WriteAsJsonAsync(new
            {
                id = $"chatcmpl-stub{number}",
                @object = "chat.completion",
                created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                model = "stub-judge",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer.Text }, finish_reason = "stop" } },
                usage = new { prompt_tokens = PromptTokens, completion_tokens = CompletionTokens, total_tokens = PromptTokens + CompletionTokens },
            });
        }
        finally { Interlocked.Decrement(ref inFlight); }
    }

    public async ValueTask DisposeAsync()
    {
        // Requests still delayed are cut off rather than waited for.
        using var quickly = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await app.StopAsync(quickly.Token);
        await app.DisposeAsync();
    }
}
