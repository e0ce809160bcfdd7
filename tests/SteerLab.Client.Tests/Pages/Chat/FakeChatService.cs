using System.Runtime.CompilerServices;
using SteerLab.Shared.Chat;

namespace SteerLab.Client.Tests.Pages.Chat;

/// <summary>A chat service that answers from a script and remembers the requests it got.</summary>
internal sealed class FakeChatService : IChatService
{
    public List<ChatRequest> Requests { get; } = [];
    public IReadOnlyList<string> Models { get; set; } = ["steerlab-brown-demo"];

    /// <summary>The deltas to stream for a request (default: unsteered vs steered text in three pieces).</summary>
    public Func<ChatRequest, string[]> Deltas { get; set; } = r => r.Steering.Count == 0 ? ["plain ", "old ", "news"] : ["<b>love</b> ", "in ", "June"];
    public Exception? Failure { get; set; }
    public int MaxNewTokens { get; set; } = 4096;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Models);

    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        await Task.Yield();
        if (Failure is not null) throw Failure;
        var deltas = Deltas(request);
        foreach (string delta in deltas) yield return new ChatStreamUpdate(delta);
        yield return new ChatStreamUpdate("", new ChatAnswer(string.Concat(deltas), "length", 5, deltas.Length));
    }
}
