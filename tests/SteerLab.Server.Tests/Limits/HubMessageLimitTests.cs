using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Worker;
using SteerLab.Server.Engine.Workers;
using SteerLab.Server.Jobs;
using SteerLab.Server.Limits;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using Xunit.Abstractions;

namespace SteerLab.Server.Tests.Limits;

/// <summary>SignalR message sizes (SteerLab:Limits:EngineHubMessageBytes, CircuitMessageBytes): set on both hubs, big
/// enough for the largest honest result, and a worker sending more is cut off without harm to the server.</summary>
public sealed class HubMessageLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AWorkerSendingMoreThanTheHubAccepts_IsDisconnected_ItsJobEndsWithTheReason_AndTheServerCarriesOn()
    {
        await using var server = new SteerLabServer(engineMode: "workers", extraSettings: new Dictionary<string, string?>
        {
            ["SteerLab:Limits:EngineHubMessageBytes"] = "32768",
            ["SteerLab:Jobs:MaxAttempts"] = "1",
        });
        var api = new JobApi(server.CreateClient());
        await using var worker = new ScriptedWorker(server);
        await worker.StartAsync(capacity: 1, "stories260K");
        var created = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: [1, 2], MaxNewTokens: 4));
        var sent = await worker.NextJobAsync();

        await worker.CompleteAsync(new EngineJobResult(sent.JobId, EngineJobStatus.Succeeded, ResultJson: $"\"{new string('x', 100_000)}\""));
        var failed = await api.WaitForStateAsync(created.Id, JobState.Failed);

        output.WriteLine($"job error: {failed.Error}");
        Assert.Null(failed.Result);
        Assert.Contains("disconnected", failed.Error);
        Assert.Contains("maximum message size of 32768B was exceeded", failed.Error);
        // The server goes on: the API answers and another worker can connect, get a job and finish it.
        using var list = await api.Client.GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await using var honest = new ScriptedWorker(server);
        await honest.StartAsync(capacity: 1, "stories260K");
        var next = await api.CreateGenerateAsync(new GenerateJobParameters("stories260K", PromptIds: [1, 2], MaxNewTokens: 4));
        var nextSent = await honest.NextJobAsync();
        var result = new GenerateJobResult("stories260K", [1, 2], [3, 4, 5, 6], null, "length", null);
        await honest.CompleteAsync(new EngineJobResult(nextSent.JobId, EngineJobStatus.Succeeded, JsonSerializer.Serialize(result, EngineJobJson.Options)));
        var succeeded = await api.WaitForStateAsync(next.Id, JobState.Succeeded);
        Assert.Equal(new[] { 3, 4, 5, 6 }, JobApi.ResultOf(succeeded).NewIds);
    }

    [Fact]
    public async Task BothHubs_GetTheConfiguredMessageSizes()
    {
        await using var server = new SteerLabServer(extraSettings: new Dictionary<string, string?>
        {
            ["SteerLab:Limits:EngineHubMessageBytes"] = "3000000",
            ["SteerLab:Limits:CircuitMessageBytes"] = "200000",
        });
        // Blazor's circuit hub is internal to ASP.NET Core: reached by name.
        var componentHub = typeof(Microsoft.AspNetCore.Components.Server.CircuitOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub", throwOnError: true)!;
        var circuitOptions = (IOptions<HubOptions>)server.Services.GetRequiredService(typeof(IOptions<>).MakeGenericType(typeof(HubOptions<>).MakeGenericType(componentHub)));

        Assert.Equal(3_000_000, server.Services.GetRequiredService<IOptions<HubOptions<EngineHub>>>().Value.MaximumReceiveMessageSize);
        Assert.Equal(200_000, circuitOptions.Value.MaximumReceiveMessageSize);
    }

    /// <summary>The sizing behind the default: the largest results honest workers send, measured as SignalR's JSON
    /// protocol writes them (a job's result JSON travels as a string inside the message, so its quotes are escaped).</summary>
    [Fact]
    public void TheDefaultEngineHubLimit_HoldsTheLargestHonestResults()
    {
        long limit = new LimitOptions().EngineHubMessageBytes;
        var random = new Random(1);
        string Word() => "▁" + new string((char)('a' + random.Next(26)), 4) + "é"; // SentencePiece-like, non-ASCII
        double Logprob() => -random.NextDouble() * 12;
        int maxTokens = new LimitOptions().MaxNewTokens;
        var logprobs = Enumerable.Range(0, maxTokens).Select(_ => new TokenLogprobs(random.Next(256_000), Word(), Logprob(),
            Enumerable.Range(0, GenerateJobKind.MaxTopLogprobs).Select(_ => new TokenAlternativeLogprob(random.Next(256_000), Word(), Logprob())).ToArray())).ToArray();
        var generation = new GenerateJobResult("google/gemma-2-9b-it", [.. Enumerable.Range(0, 2000)], [.. logprobs.Select(l => l.Id)],
            string.Concat(logprobs.Select(l => l.Text)), "length", null, logprobs);
        float[] dense = [.. Enumerable.Range(0, 4096).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.05f)];
        var vector = new BuildVectorJobResult(JsonSerializer.Serialize(new { schema = "steerlab.vector/1", dModel = 4096, dense }));

        long generationBytes = MessageBytes(generation), vectorBytes = MessageBytes(vector);
        output.WriteLine($"{maxTokens} tokens with {GenerateJobKind.MaxTopLogprobs} alternatives: {generationBytes} bytes; d_model 4096 dense vector: {vectorBytes} bytes; limit {limit}");
        Assert.True(generationBytes < limit, $"a maximal generation is {generationBytes} bytes, over the {limit} bytes default");
        Assert.True(vectorBytes * 10 < limit, $"a d_model 4096 vector is {vectorBytes} bytes");
    }

    static long MessageBytes<T>(T result)
    {
        var message = new EngineJobResult(Guid.NewGuid(), EngineJobStatus.Succeeded, JsonSerializer.Serialize(result, EngineJobJson.Options));
        var buffer = new ArrayBufferWriter<byte>();
        new JsonHubProtocol().WriteMessage(new InvocationMessage(nameof(IEngineHub.CompleteJob), [message]), buffer);
        return buffer.WrittenCount;
    }
}
