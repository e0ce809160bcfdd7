using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Accounts;
using SteerLab.Server.Judges;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Runs;
using TestAccounts = SteerLab.Server.Tests.Accounts.Accounts;

namespace SteerLab.Server.Tests.Judges;

/// <summary>The team's judges through <c>/api/judges</c> and <see cref="IJudgeSettingsService"/>: the API key is
/// write-only (Data Protection at rest, only "set or not" in every answer), kept, replaced or removed as asked; fields
/// are checked with errors by field; another team's judge does not exist; viewers cannot change judges.</summary>
public sealed class JudgeSettingsTests : IAsyncLifetime
{
    const string Key = "sk-live-do-not-show-0123456789abcdef";

    readonly SteerLabServer server = new(engineMode: "workers");
    HttpClient api = null!;

    public Task InitializeAsync()
    {
        api = server.CreateClient(); // the administrator, owner of the default team
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    static object Body(string name, string baseUrl = "https://judge.example/v1", string? apiKey = Key, int maxConcurrency = 2, int timeoutSeconds = 5,
        int maxRetries = 1, double temperature = 0) =>
        new { name, baseUrl, model = "judge-model", apiKey, maxConcurrency, timeoutSeconds, maxRetries, temperature };

    async Task<JudgeSettingView> CreateAsync(object body)
    {
        using var response = await api.PostAsJsonAsync("/api/judges", body, JobApi.Json);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/judges: {(int)response.StatusCode} {text}");
        Assert.DoesNotContain(Key, text);
        return JsonSerializer.Deserialize<JudgeSettingView>(text, JobApi.Json)!;
    }

    async Task<string?> StoredCipherAsync(Guid id)
    {
        await using var db = server.CreateDbContext();
        return db.JudgeSettings.Single(j => j.Id == id).ProtectedApiKey;
    }

    string Unprotect(string cipher) =>
        server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(JudgeApiKeys.Purpose).Unprotect(cipher);

    [Fact]
    public async Task ApiKey_IsStoredProtected_AndNeverReturned()
    {
        var created = await CreateAsync(Body("careful judge"));

        Assert.True(created.HasApiKey);
        string list = await api.GetStringAsync("/api/judges");
        Assert.Contains("careful judge", list);
        Assert.DoesNotContain(Key, list);
        string cipher = (await StoredCipherAsync(created.Id))!;
        Assert.DoesNotContain(Key, cipher);
        Assert.Equal(Key, Unprotect(cipher)); // Data Protection round trip under the judges' purpose
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("another purpose").Unprotect(cipher));
    }

    [Fact]
    public async Task ApiKey_IsKeptWhenNull_ReplacedWhenGiven_RemovedWhenEmpty()
    {
        var created = await CreateAsync(Body("judge to edit"));
        string original = (await StoredCipherAsync(created.Id))!;

        async Task<JudgeSettingView> PutAsync(object body)
        {
            using var response = await api.PutAsJsonAsync($"/api/judges/{created.Id}", body, JobApi.Json);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"PUT: {(int)response.StatusCode} {text}");
            return JsonSerializer.Deserialize<JudgeSettingView>(text, JobApi.Json)!;
        }

        var kept = await PutAsync(Body("judge to edit", apiKey: null, maxRetries: 4));
        Assert.True(kept.HasApiKey);
        Assert.Equal(4, kept.MaxRetries);
        Assert.Equal(original, await StoredCipherAsync(created.Id));

        var replaced = await PutAsync(Body("judge renamed", apiKey: "  sk-another-key\n"));
        Assert.True(replaced.HasApiKey);
        Assert.Equal("judge renamed", replaced.Name);
        Assert.Equal("sk-another-key", Unprotect((await StoredCipherAsync(created.Id))!)); // trimmed as pasted keys need

        var removed = await PutAsync(Body("judge renamed", apiKey: ""));
        Assert.False(removed.HasApiKey);
        Assert.Null(await StoredCipherAsync(created.Id));
    }

    [Fact]
    public async Task InvalidFields_AreRefusedFieldByField_AndNamesAreUniqueInTheTeam()
    {
        using var response = await api.PostAsJsonAsync("/api/judges",
            new { name = "", baseUrl = "ftp://judge.example", model = " ", maxConcurrency = 0, timeoutSeconds = 601, maxRetries = 11, temperature = 2.5 }, JobApi.Json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (string field in new[] { "name", "baseUrl", "model", "maxConcurrency", "timeoutSeconds", "maxRetries", "temperature" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");

        using var relative = await api.PostAsJsonAsync("/api/judges", Body("relative", baseUrl: "/v1"), JobApi.Json);
        Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
        using var withPassword = await api.PostAsJsonAsync("/api/judges", Body("password", baseUrl: "https://me:pw@judge.example/v1"), JobApi.Json);
        Assert.Equal(HttpStatusCode.BadRequest, withPassword.StatusCode);

        await CreateAsync(Body("only once"));
        using var twice = await api.PostAsJsonAsync("/api/judges", Body("only once"), JobApi.Json);
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("already has a judge named", await twice.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnotherTeamsJudge_IsNotFound_AndViewersCannotChangeJudges()
    {
        var created = await CreateAsync(Body("team judge"));
        var otherTeam = await TestAccounts.CreateTeamAsync(server, "Other team");
        var outsider = await TestAccounts.CreateUserAsync(server, "outsider@judges.test", otherTeam, TeamRoles.Editor);
        var viewer = await TestAccounts.CreateUserAsync(server, "viewer@judges.test", SteerLab.Server.Data.Team.DefaultId, TeamRoles.Viewer);

        await using (var scope = TestAccounts.ActingFor(server, outsider))
        {
            var judges = scope.ServiceProvider.GetRequiredService<IJudgeSettingsService>();
            Assert.Empty(await judges.ListAsync());
            Assert.False(await judges.DeleteAsync(created.Id));
            Assert.Null(await judges.TestAsync(created.Id));
            var save = await judges.SaveAsync(new JudgeSettingRequest(created.Id, "stolen", "https://evil.example/v1", "m", null));
            Assert.False(save.Saved);
            Assert.Contains(JudgeSettingsService.NotFoundField, save.Errors.Keys);
        }
        await using (var scope = TestAccounts.ActingFor(server, viewer))
        {
            var judges = scope.ServiceProvider.GetRequiredService<IJudgeSettingsService>();
            Assert.Single(await judges.ListAsync(), j => j.Id == created.Id); // viewers see the team's judges
            await Assert.ThrowsAsync<TeamAccessDeniedException>(() => judges.SaveAsync(new JudgeSettingRequest(null, "mine", "https://judge.example/v1", "m", null)));
            await Assert.ThrowsAsync<TeamAccessDeniedException>(() => judges.DeleteAsync(created.Id));
            await Assert.ThrowsAsync<TeamAccessDeniedException>(() => judges.TestAsync(created.Id));
        }

        // The same over HTTP: 404 for the other team's editor, 403 for the viewer.
        using var outsiderApi = server.CreateClientWithKey(await KeyAsync(outsider));
        using var viewerApi = server.CreateClientWithKey(await KeyAsync(viewer));
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderApi.PutAsJsonAsync($"/api/judges/{created.Id}", Body("stolen"), JobApi.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderApi.DeleteAsync($"/api/judges/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderApi.PostAsync($"/api/judges/{created.Id}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewerApi.PostAsJsonAsync("/api/judges", Body("viewer's"), JobApi.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewerApi.DeleteAsync($"/api/judges/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/judges/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/judges/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task TestCall_ScoresTheSampleAnswer_WithTheStoredKey()
    {
        await using var stub = await StubJudgeServer.StartAsync("8");
        var created = await CreateAsync(Body("stubbed judge", baseUrl: stub.BaseUrl));

        using var response = await api.PostAsync($"/api/judges/{created.Id}/test", null);
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var result = JsonSerializer.Deserialize<JudgeTestResult>(text, JobApi.Json)!;
        Assert.Equal("Scored", result.Status);
        Assert.Equal(8, result.Score);
        Assert.Equal("8", result.RawText);
        Assert.Equal(StubJudgeServer.PromptTokens, result.PromptTokens);
        Assert.Equal(StubJudgeServer.CompletionTokens, result.CompletionTokens);
        Assert.True(result.Seconds >= 0);
        Assert.Equal($"Bearer {Key}", Assert.Single(stub.Authorizations));
        Assert.DoesNotContain(Key, text);
    }

    [Fact]
    public async Task TestCall_WithAnUnreadableKey_ReportsAFailureThatSaysWhatToDo()
    {
        var created = await CreateAsync(Body("corrupted judge"));
        await using (var db = server.CreateDbContext())
        {
            db.JudgeSettings.Single(j => j.Id == created.Id).ProtectedApiKey = "not-cipher-text";
            await db.SaveChangesAsync();
        }

        var result = await server.CreateClient().PostAsync($"/api/judges/{created.Id}/test", null);
        var body = await result.Content.ReadFromJsonAsync<JudgeTestResult>(JobApi.Json);

        Assert.Equal("Failed", body!.Status);
        Assert.Contains("cannot be read", body.Detail);
        Assert.Contains("enter the key again", body.Detail);
    }

    async Task<string> KeyAsync(Guid user)
    {
        await using var acting = TestAccounts.ActingFor(server, user);
        return (await acting.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("judges test", ApiKeyScopes.Write)).Secret;
    }
}
