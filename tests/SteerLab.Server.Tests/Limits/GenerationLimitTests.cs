using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Tests.Limits;

/// <summary>Generation limits (SteerLab:Limits): the most new tokens per request, refused with a 400 that names the
/// limit; the per-caller rate of generation requests (429 with Retry-After and a problem body), shared by the REST
/// API, the OpenAI-compatible endpoint and the chat page; and settings that cannot work refused at start.</summary>
public sealed class GenerationLimitTests
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the tests");

    static SteerLabServer NewServer(params (string Key, string Value)[] settings)
    {
        var extra = new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = DemoFolder };
        foreach (var (key, value) in settings) extra[key] = value;
        return new SteerLabServer(extraSettings: extra);
    }

    static object Completion(int? maxTokens) => new
    {
        model = DemoAssets.ModelName,
        max_tokens = maxTokens,
        temperature = 0,
        messages = new[] { new { role = "user", content = "The committee" } },
    };

    [Theory]
    [InlineData("SteerLab:Limits:MaxNewTokens", "0")]
    [InlineData("SteerLab:Limits:MaxNewTokens", "1000000")]
    [InlineData("SteerLab:Limits:MaxRunningJobsPerTeam", "0")]
    [InlineData("SteerLab:Limits:MaxQueuedJobsPerTeam", "-1")]
    [InlineData("SteerLab:Limits:GenerationRate:PermitLimit", "0")]
    [InlineData("SteerLab:Limits:GenerationRate:Window", "00:00:00.100")]
    [InlineData("SteerLab:Limits:EngineHubMessageBytes", "1000")]
    [InlineData("SteerLab:Limits:CircuitMessageBytes", "10000000000")]
    public async Task Start_RefusesLimitsThatCannotWork_NamingTheSetting(string setting, string value)
    {
        await using var server = NewServer((setting, value));

        var error = Assert.Throws<OptionsValidationException>(() => server.CreateClient());

        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public async Task MoreNewTokensThanTheServerAllows_IsRefusedNamingTheLimit_NotCutShort()
    {
        await using var server = NewServer(("SteerLab:Limits:MaxNewTokens", "12"));
        var client = server.CreateClient();

        using var job = await new JobApi(client).PostGenerateAsync(new GenerateJobParameters(DemoAssets.ModelName, Prompt: "The committee", MaxNewTokens: 13));
        var jobProblem = await job.Content.ReadFromJsonAsync<JsonElement>();
        using var completion = await client.PostAsJsonAsync("/v1/chat/completions", Completion(13));
        var completionError = await completion.Content.ReadFromJsonAsync<JsonElement>();
        using var unbounded = await client.PostAsJsonAsync("/v1/chat/completions", Completion(null));
        var answer = await unbounded.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, job.StatusCode);
        Assert.Contains("SteerLab:Limits:MaxNewTokens", jobProblem.GetProperty("errors").GetProperty("maxNewTokens")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, completion.StatusCode);
        Assert.Contains("'max_tokens' is 13", completionError.GetProperty("error").GetProperty("message").GetString());
        Assert.Contains("SteerLab:Limits:MaxNewTokens", completionError.GetProperty("error").GetProperty("message").GetString());
        // Without max_tokens the default is kept within the limit.
        Assert.Equal(HttpStatusCode.OK, unbounded.StatusCode);
        Assert.Equal(12, answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(12, server.AdminServices.GetRequiredService<IChatService>().MaxNewTokens);
    }

    [Fact]
    public async Task ACallerPastTheGenerationRate_Gets429WithRetryAfter_OnEveryGenerationPath_WhileOthersAndReadsGoOn()
    {
        await using var server = NewServer(("SteerLab:Limits:GenerationRate:PermitLimit", "2"), ("SteerLab:Limits:GenerationRate:Window", "01:00:00"));
        var admin = server.CreateClient();
        var unknownKind = new { kind = "no-such-kind", parameters = new { } };

        using var first = await admin.PostAsJsonAsync("/api/jobs", unknownKind);
        using var second = await admin.PostAsJsonAsync("/api/vectors/build", new { });
        using var third = await admin.PostAsJsonAsync("/api/jobs", unknownKind);
        var problem = await third.Content.ReadFromJsonAsync<JsonElement>();
        using var openAi = await admin.PostAsJsonAsync("/v1/chat/completions", Completion(4));
        var openAiError = await openAi.Content.ReadFromJsonAsync<JsonElement>();
        using var sweep = await admin.PostAsJsonAsync("/api/compare/sweep", new { });
        using var read = await admin.GetAsync("/api/jobs");
        var chat = server.AdminServices.GetRequiredService<IChatService>();
        var chatRefusal = await Assert.ThrowsAsync<ChatRequestException>(async () =>
        {
            await foreach (var _ in chat.StreamAsync(new ChatRequest(DemoAssets.ModelName, [new ChatTurn("user", "Hello")], [], new ChatSampling(MaxNewTokens: 4)))) { }
        });
        using var otherCaller = await OtherUsersClientAsync(server).ContinueWith(c => c.Result.PostAsJsonAsync("/api/jobs", unknownKind)).Unwrap();

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(int.Parse(third.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("SteerLab:Limits:GenerationRate", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, openAi.StatusCode);
        Assert.Equal("rate_limit_exceeded", openAiError.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, sweep.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("too many generation requests", chatRefusal.Message);
        Assert.Equal(HttpStatusCode.BadRequest, otherCaller.StatusCode);
    }

    [Fact]
    public void EveryGenerationRoute_IsAnEndpointCarryingTheRateLimit()
    {
        using var server = NewServer();
        server.CreateClient().Dispose();
        var limited = server.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<SteerLab.Server.Limits.GenerationEndpoint>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(method => $"{method} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Order().ToList();

        Assert.Equal(SteerLab.Server.Limits.LimitsSetup.GenerationRoutes.Order(), limited);
    }

    /// <summary>A client with the write-scoped API key of a new editor in the administrator's team.</summary>
    static async Task<HttpClient> OtherUsersClientAsync(SteerLabServer server)
    {
        Guid team;
        await using (var db = server.CreateDbContext())
            team = db.TeamMembers.Single(m => m.UserId == db.Users.Single(u => u.Email == SteerLabServer.AdminEmail).Id).TeamId;
        var user = await Accounts.Accounts.CreateUserAsync(server, "other@steerlab.test", team, TeamRoles.Editor);
        await using var scope = Accounts.Accounts.ActingFor(server, user);
        var key = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("script", ApiKeyScopes.Write);
        return server.CreateClientWithKey(key.Secret);
    }
}
