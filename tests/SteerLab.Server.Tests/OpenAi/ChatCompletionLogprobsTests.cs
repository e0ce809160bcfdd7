using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;
using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.OpenAi;

/// <summary><c>logprobs</c>/<c>top_logprobs</c> of the OpenAI-compatible endpoint, read by the official OpenAI client.</summary>
public sealed class ChatCompletionLogprobsTests : IAsyncLifetime
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the tests");

    readonly SteerLabServer server = new(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = DemoFolder });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    ChatClient OfficialClient() => new(DemoAssets.ModelName, new ApiKeyCredential(SteerLabServer.BootstrapKey), new OpenAIClientOptions
    {
        Endpoint = new Uri(server.Server.BaseAddress, "v1"),
        Transport = new HttpClientPipelineTransport(server.CreateClient()),
    });

    [Fact]
    public async Task OfficialClient_GetsTokenLogprobsWithSortedTopAlternatives_StreamedAndNot()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 };
        var completion = (await OfficialClient().CompleteChatAsync([new UserChatMessage("The committee")], options)).Value;

        var tokens = completion.ContentTokenLogProbabilities;
        Assert.Equal(12, tokens.Count);
        Assert.StartsWith(string.Concat(tokens.Select(t => t.Token)), completion.Content[0].Text);
        foreach (var token in tokens)
        {
            Assert.Equal(3, token.TopLogProbabilities.Count);
            Assert.Equal(token.TopLogProbabilities.OrderByDescending(a => a.LogProbability).Select(a => a.Token), token.TopLogProbabilities.Select(a => a.Token));
            Assert.Equal(token.LogProbability, token.TopLogProbabilities[0].LogProbability, 1e-5); // greedy: the chosen token is the most likely
        }

        var streamed = new List<ChatTokenLogProbabilityDetails>();
        await foreach (var update in OfficialClient().CompleteChatStreamingAsync([new UserChatMessage("The committee")], options))
            streamed.AddRange(update.ContentTokenLogProbabilities);
        Assert.Equal(tokens.Select(t => (t.Token, t.LogProbability)), streamed.Select(t => (t.Token, t.LogProbability)));

        var plain = (await OfficialClient().CompleteChatAsync([new UserChatMessage("The committee")], new ChatCompletionOptions { MaxOutputTokenCount = 4, Temperature = 0 })).Value;
        Assert.Empty(plain.ContentTokenLogProbabilities);
    }
}
