using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SteerLab.E2E.Tests.Support;

/// <summary>An OpenAI-compatible chat endpoint on loopback that always answers the same score after a delay: a judge
/// whose answers are known, slow enough that a run's judging is still under way when the test kills the server. It
/// answers <c>POST /v1/chat/completions</c> in OpenAI's JSON shape (with usage) and counts the requests it received.
/// HttpListener rather than Kestrel: this test project runs the server as a separate process and has no ASP.NET.</summary>
public sealed class StubJudgeEndpoint : IAsyncDisposable
{
    readonly HttpListener listener = new();
    readonly string answer;
    readonly TimeSpan delay;
    readonly CancellationTokenSource stopping = new();
    readonly Task serving;
    int requests;

    StubJudgeEndpoint(int port, string answer, TimeSpan delay)
    {
        this.answer = answer;
        this.delay = delay;
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    /// <summary>What a judge setting's base URL should be.</summary>
    public string BaseUrl { get; }

    /// <summary>Chat completion requests received so far.</summary>
    public int Requests => Volatile.Read(ref requests);

    public static StubJudgeEndpoint Start(string answer, TimeSpan delay) => new(FreePort(), answer, delay);

    async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) when (stopping.IsCancellationRequested) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            await reader.ReadToEndAsync();
            if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath.TrimEnd('/') != "/v1/chat/completions")
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
                return;
            }
            Interlocked.Increment(ref requests);
            await Task.Delay(delay, stopping.Token);
            string body = $$$"""
                {"id":"chatcmpl-stub","object":"chat.completion","created":0,"model":"stub-judge",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"{{{answer}}}"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":50,"completion_tokens":1,"total_tokens":51}}
                """;
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, stopping.Token);
            context.Response.Close();
        }
        catch (Exception) when (stopping.IsCancellationRequested) { }
        catch (HttpListenerException) { } // the client went away (a killed server)
    }

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        try { await serving; } catch (Exception) { }
        listener.Close();
        stopping.Dispose();
    }
}
