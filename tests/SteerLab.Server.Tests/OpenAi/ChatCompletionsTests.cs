using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using SteerLab.Engine.Demo;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.OpenAi;

/// <summary>The OpenAI-compatible endpoint on the real host, serving the built-in demo model, called by the official
/// OpenAI .NET client (and by plain HTTP for SteerLab's <c>steering</c> extension).</summary>
public sealed class ChatCompletionsTests : IAsyncLifetime
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

    static readonly ChatCompletionOptions Greedy = new() { MaxOutputTokenCount = 16, Temperature = 0 };

    [Fact]
    public async Task OfficialClient_GetsACompletionWithUsage()
    {
        var completion = (await OfficialClient().CompleteChatAsync([new UserChatMessage("The committee")], Greedy)).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(16, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 1);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.StartsWith("chatcmpl-", completion.Id);
    }

    [Fact]
    public async Task OfficialClient_StreamsTheSameTokensAsTheWholeAnswer()
    {
        var client = OfficialClient();
        string whole = (await client.CompleteChatAsync([new UserChatMessage("She looked at him")], Greedy)).Value.Content[0].Text;

        var streamed = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        int updates = 0;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("She looked at him")], Greedy))
        {
            updates++;
            foreach (var part in update.ContentUpdate) streamed.Append(part.Text);
            finish ??= update.FinishReason;
        }
        Assert.Equal(whole, streamed.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.True(updates > 3, $"{updates} stream updates: tokens should arrive one by one");
    }

    [Fact]
    public async Task SteeringExtension_ChangesTheAnswerAndUnknownVectorsAreRefused()
    {
        var vectorId = Guid.NewGuid();
        string document = await File.ReadAllTextAsync(Path.Combine(DemoFolder, DemoAssets.VectorFolderName, DemoAssets.VectorFileName(DemoContrast.RomanceVsPress, SteerLab.Engine.Steering.SteeringMethod.Caa)));
        await using (var db = server.CreateDbContext())
        {
            db.Vectors.Add(new SteeringVectorEntity { Id = vectorId, TeamId = Team.DefaultId, Name = "romance", Method = "caa", Hook = "blocks.1.hook_resid_post", Model = DemoAssets.ModelName, DocumentJson = document, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        var http = server.CreateClient();
        async Task<string> Answer(double lambda)
        {
            var response = await http.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = DemoAssets.ModelName, max_tokens = 24, temperature = 0,
                messages = new[] { new { role = "user", content = "The committee" } },
                steering = new[] { new { vector_id = vectorId, lambda } },
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        }

        string unsteered = await Answer(0), steered = await Answer(4);
        Assert.NotEqual(unsteered, steered);
        Assert.Equal(steered, await Answer(4)); // greedy and deterministic

        var refused = await http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = DemoAssets.ModelName, messages = new[] { new { role = "user", content = "Hi" } },
            steering = new[] { new { vector_id = Guid.NewGuid(), lambda = 1.0 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Contains("there is no vector", error.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task BadRequests_GetOpenAiStyleErrors()
    {
        var http = server.CreateClient();
        var noModel = await http.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Hi" } } });
        Assert.Equal(HttpStatusCode.BadRequest, noModel.StatusCode);
        Assert.Contains("'model' is required", await noModel.Content.ReadAsStringAsync());

        var badRole = await http.PostAsJsonAsync("/v1/chat/completions", new { model = DemoAssets.ModelName, messages = new[] { new { role = "wizard", content = "Hi" } } });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("role", await badRole.Content.ReadAsStringAsync());

        var unknownModel = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "no-such-model", messages = new[] { new { role = "user", content = "Hi" } } });
        Assert.Equal(HttpStatusCode.BadRequest, unknownModel.StatusCode);
        Assert.Contains("not found", await unknownModel.Content.ReadAsStringAsync());
    }
}
