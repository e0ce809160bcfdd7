using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Chat;

/// <summary>The chat page's service on the real host over the built-in demo model and the demo vectors the library
/// seeds at start.</summary>
public sealed class ChatServiceTests : IAsyncLifetime
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the tests");

    readonly SteerLabServer server = new(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = DemoFolder });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    IChatService Chat => server.AdminServices.GetRequiredService<IChatService>();

    async Task<Guid> DemoCaaVectorAsync()
    {
        var vectors = await server.AdminServices.GetRequiredService<IVectorService>()
            .ListAsync(new VectorQuery(Methods: [VectorMethods.Caa], Model: DemoAssets.ModelName));
        Assert.NotEmpty(vectors);
        return (vectors.FirstOrDefault(v => v.Name.Contains("romance", StringComparison.OrdinalIgnoreCase)) ?? vectors[0]).Id;
    }

    static ChatRequest Greedy(params ChatSteering[] steering) => new(
        DemoAssets.ModelName, [new ChatTurn("user", "The committee")], steering, new ChatSampling(MaxNewTokens: 24, Temperature: 0, TopP: 1, Seed: 7));

    async Task<(string Streamed, ChatAnswer Answer, int Deltas)> CollectAsync(ChatRequest request)
    {
        var streamed = new System.Text.StringBuilder();
        ChatAnswer? answer = null;
        int deltas = 0;
        await foreach (var update in Chat.StreamAsync(request))
        {
            Assert.Null(answer); // nothing comes after the finished answer
            if (update.Delta.Length > 0) deltas++;
            streamed.Append(update.Delta);
            answer = update.Finished;
        }
        Assert.NotNull(answer);
        return (streamed.ToString(), answer, deltas);
    }

    [Fact]
    public async Task ChatPage_RendersOnTheRealHostAndIsInTheNavigation()
    {
        using var response = await server.CreateClient().GetAsync("/chat");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"steering-knobs\"", html);
        Assert.Contains("href=\"chat\"", html);
        Assert.DoesNotContain("data-testid=\"models-error\"", html);
    }

    [Fact]
    public async Task ListModels_PutsTheDemoModelFirst()
    {
        var models = await Chat.ListModelsAsync();
        Assert.Equal(DemoAssets.ModelName, models[0]);
    }

    [Fact]
    public async Task SteeredAnswer_StreamsDeltasThatConcatenateToTheFinalTextAndDiffersFromLambdaZero()
    {
        var vectorId = await DemoCaaVectorAsync();

        var (streamed, steered, deltas) = await CollectAsync(Greedy(new ChatSteering(vectorId, 4)));
        Assert.Equal(steered.Text, streamed);
        Assert.True(deltas > 3, $"{deltas} deltas: tokens should arrive one by one");
        Assert.Equal(24, steered.CompletionTokens);
        Assert.Equal("length", steered.FinishReason);
        Assert.True(steered.PromptTokens > 1);

        var (_, atZero, _) = await CollectAsync(Greedy(new ChatSteering(vectorId, 0)));
        var (_, unsteered, _) = await CollectAsync(Greedy());
        Assert.NotEqual(atZero.Text, steered.Text);
        Assert.Equal(unsteered.Text, atZero.Text); // λ = 0 changes nothing
        Assert.Equal(steered.Text, (await CollectAsync(Greedy(new ChatSteering(vectorId, 4)))).Answer.Text); // greedy is deterministic
    }

    [Fact]
    public async Task UnknownVectorsAndBadSettings_AreRefusedWithAMessage()
    {
        var unknown = await Assert.ThrowsAsync<ChatRequestException>(async () => await CollectAsync(Greedy(new ChatSteering(Guid.NewGuid(), 1))));
        Assert.Contains("there is no vector", unknown.Message);

        var badTopP = Greedy() with { Sampling = new ChatSampling(MaxNewTokens: 8, Temperature: 1, TopP: 0) };
        var refused = await Assert.ThrowsAsync<ChatRequestException>(async () => await CollectAsync(badTopP));
        Assert.Contains("topP", refused.Message);
    }

    [Fact]
    public async Task CancellingTheStream_StopsTheGeneration()
    {
        using var stop = new CancellationTokenSource();
        var request = Greedy() with { Sampling = new ChatSampling(MaxNewTokens: 512, Temperature: 0, TopP: 1) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Chat.StreamAsync(request, stop.Token))
                if (update.Delta.Length > 0) stop.Cancel();
        });
    }
}
