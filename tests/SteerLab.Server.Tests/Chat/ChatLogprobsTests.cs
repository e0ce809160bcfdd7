using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Tests.Chat;

/// <summary>Per-token logprobs through the whole path: generate job on the engine, job updates, chat stream.</summary>
public sealed class ChatLogprobsTests : IAsyncLifetime
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the tests");

    readonly SteerLabServer server = new(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = DemoFolder });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    static ChatRequest Greedy(int topLogprobs) => new(DemoAssets.ModelName, [new ChatTurn("user", "The committee")], [],
        new ChatSampling(MaxNewTokens: 16, Temperature: 0, TopP: 1, Seed: 7), TopLogprobs: topLogprobs);

    [Fact]
    public async Task AskedFor_EveryTokenStreamsWithItsLogprobsAndTheTokensSpellTheAnswer()
    {
        var chat = server.AdminServices.GetRequiredService<IChatService>();
        var streamed = new List<TokenLogprobs>();
        ChatAnswer? answer = null;
        await foreach (var update in chat.StreamAsync(Greedy(5)))
        {
            if (update.Tokens is { } tokens) streamed.AddRange(tokens);
            answer ??= update.Finished;
        }

        Assert.NotNull(answer);
        Assert.Equal(answer.CompletionTokens, streamed.Count);
        Assert.Equal(streamed, answer.Tokens!, EqualityComparer<TokenLogprobs>.Create((a, b) => a!.Id == b!.Id && a.Text == b.Text && a.Logprob == b.Logprob));
        Assert.StartsWith(string.Concat(streamed.Select(t => t.Text)), answer.Text);
        foreach (var token in streamed)
        {
            Assert.Equal(5, token.Top.Length);
            Assert.Equal(token.Top.OrderByDescending(a => a.Logprob).Select(a => a.Id), token.Top.Select(a => a.Id));
            Assert.Equal(token.Id, token.Top[0].Id); // greedy takes the most likely token
            Assert.Equal(token.Logprob, token.Top[0].Logprob, 1e-9);
            Assert.True(token.Logprob <= 0);
            Assert.All(token.Top, a => Assert.NotNull(a.Text));
        }
    }

    [Fact]
    public async Task NotAskedFor_NoLogprobsAreReported()
    {
        var chat = server.AdminServices.GetRequiredService<IChatService>();
        await foreach (var update in chat.StreamAsync(Greedy(0)))
        {
            Assert.Null(update.Tokens);
            Assert.Null(update.Finished?.Tokens);
        }
    }
}
