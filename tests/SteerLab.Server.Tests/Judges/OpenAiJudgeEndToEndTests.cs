using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Server.Judges;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Tests.Judges;

/// <summary>The OpenAI-compatible judge path end to end over real HTTP (issue 7, "Done means"): the workbench itself on
/// a loopback Kestrel port serves the built-in demo model on <c>/v1/chat/completions</c>, and the judge calls it through
/// the official OpenAI client with an API key the host accepts. The demo model is no judge: whatever it says is recorded
/// with its raw text and token counts, parsed strictly, never turned into a failure or a made-up score.</summary>
public sealed class OpenAiJudgeEndToEndTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the tests");

    /// <summary>The judge asks for no token bound (a reasoning model's thinking counts against it), so the workbench's
    /// default applies: at most MaxNewTokens, kept small here because the demo model rambles for as long as it may.</summary>
    readonly SteerLabServer server = new(extraSettings: new Dictionary<string, string?>
    {
        ["SteerLab:ModelRoots:0"] = DemoFolder,
        ["SteerLab:Limits:MaxNewTokens"] = "24",
    });
    string baseUrl = "";

    public Task InitializeAsync()
    {
        server.UseKestrel(0);
        server.StartServer();
        string address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal));
        baseUrl = address.TrimEnd('/') + "/v1";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Judge_CallsTheWorkbenchOverHttp_AndRecordsWhatTheModelSaid()
    {
        var judge = new OpenAiJudge(new OpenAiJudgeEndpoint(new Uri(baseUrl), DemoAssets.ModelName, SteerLabServer.BootstrapKey, TimeSpan.FromSeconds(120), 1, 0),
            new SemaphoreSlim(1, 1), new JudgeOptions());

        var judgement = await judge.ScoreAsync(new JudgeRequest(RubricItem.Behaviour, "What happened at the meeting?",
            "The committee voted to build a new school.", "reads like a news report", Seed: 5), CancellationToken.None);
        output.WriteLine($"{judgement.Status} {judgement.Score} ({judgement.PromptTokens} + {judgement.CompletionTokens} tokens): {judgement.RawText} — {judgement.Detail}");

        Assert.NotEqual(JudgementStatus.Failed, judgement.Status);
        Assert.False(string.IsNullOrEmpty(judgement.RawText), $"{judgement.Status}: {judgement.Detail}");
        Assert.True(judgement.PromptTokens > 0, $"prompt tokens {judgement.PromptTokens}");
        Assert.True(judgement.CompletionTokens > 0, $"completion tokens {judgement.CompletionTokens}");
        Assert.Equal(judgement.Status == JudgementStatus.Scored, judgement.Score is not null);
        Assert.StartsWith($"openai:{DemoAssets.ModelName}@", judge.Name);
    }

    [Fact]
    public async Task JudgeSetting_PointingAtTheWorkbench_PassesItsTestCall()
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl.Replace("/v1", "/", StringComparison.Ordinal)) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SteerLabServer.BootstrapKey);
        using var created = await http.PostAsJsonAsync("/api/judges",
            new JudgeSettingRequest(null, "the workbench itself", baseUrl, DemoAssets.ModelName, SteerLabServer.BootstrapKey, TimeoutSeconds: 120, MaxRetries: 1), JobApi.Json);
        string createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, createdBody);
        Assert.DoesNotContain(SteerLabServer.BootstrapKey, createdBody);
        var judge = JsonSerializer.Deserialize<JudgeSettingView>(createdBody, JobApi.Json)!;

        using var tested = await http.PostAsync($"/api/judges/{judge.Id}/test", null);
        string testedBody = await tested.Content.ReadAsStringAsync();

        Assert.True(tested.IsSuccessStatusCode, testedBody);
        var result = JsonSerializer.Deserialize<JudgeTestResult>(testedBody, JobApi.Json)!;
        Assert.NotEqual("Failed", result.Status);
        Assert.False(string.IsNullOrEmpty(result.RawText), testedBody);
        Assert.True(result.PromptTokens > 0 && result.CompletionTokens > 0, testedBody);
    }
}
