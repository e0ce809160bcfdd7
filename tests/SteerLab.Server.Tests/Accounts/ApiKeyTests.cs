using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>API keys: created once and shown once, stored as a SHA-256, usable as a bearer token with their scope,
/// refused once revoked.</summary>
public sealed class ApiKeyTests
{
    [Fact]
    public async Task ApiKey_CreatedThenUsedThenRevoked_StopsWorking()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        ApiKeyCreated created;
        await using (var scope = Accounts.ActingFor(server, admin))
            created = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("script", ApiKeyScopes.Write);
        using var client = server.CreateClientWithKey(created.Secret);

        using var used = await client.GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);

        await using (var scope = Accounts.ActingFor(server, admin))
        {
            var accounts = scope.ServiceProvider.GetRequiredService<IAccountService>();
            var listed = Assert.Single(await accounts.ListApiKeysAsync());
            Assert.Equal(created.Secret[..12], listed.Prefix);
            Assert.NotNull(listed.LastUsedAt);
            Assert.True(await accounts.RevokeApiKeyAsync(created.Key.Id));
        }
        using var revoked = await client.GetAsync("/api/datasets");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task ApiKey_IsStoredAsItsSha256_NeverAsTheSecret()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        await using var scope = Accounts.ActingFor(server, admin);
        var created = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("stored", ApiKeyScopes.Read);

        await using var db = server.CreateDbContext();
        var row = Assert.Single(db.ApiKeys);
        Assert.NotEqual(created.Secret, row.Hash);
        Assert.DoesNotContain(created.Secret, row.Hash + row.Prefix + row.Name);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret))), row.Hash);
        Assert.True(created.Secret.Length >= 40); // 256 random bits behind the marker
    }

    [Fact]
    public async Task UnknownKey_Answers401()
    {
        await using var server = new SteerLabServer();
        using var client = server.CreateClientWithKey("slk_" + new string('x', 43));

        using var response = await client.GetAsync("/api/datasets");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BootstrapKey_ActsForTheFirstAdministrator()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        using var client = server.CreateClient(); // sends SteerLab:BootstrapApiKey

        using var upload = await new Datasets.DatasetApi(client).UploadAsync("prompt,positive,negative\nA,b,c\n", "bootstrap.csv");

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        await using var db = server.CreateDbContext();
        Assert.Equal(Team.DefaultId, db.Datasets.Single(d => d.Name == "bootstrap").TeamId);
        Assert.Contains(db.TeamMembers, m => m.UserId == admin && m.TeamId == Team.DefaultId && m.Role == TeamRoles.Owner);
    }

    [Fact]
    public async Task ReadKey_ReadsButCannotWrite()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        string secret;
        await using (var scope = Accounts.ActingFor(server, admin))
            secret = (await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("reader", ApiKeyScopes.Read)).Secret;
        using var client = server.CreateClientWithKey(secret);
        var api = new Datasets.DatasetApi(client);

        var listed = await api.ListAsync();
        using var upload = await api.UploadAsync("prompt,positive,negative\nA,b,c\n", "read-only.csv");
        using var delete = await client.DeleteAsync($"/api/datasets/{listed[0].Id}");

        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
    }

    [Fact]
    public async Task WorkerKey_ConnectsAnEngineWorker_ButNotToTheApi()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        var admin = await Accounts.AdminIdAsync(server);
        string secret;
        await using (var scope = Accounts.ActingFor(server, admin))
            secret = (await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("gpu box", ApiKeyScopes.Worker)).Secret;

        await using var worker = server.CreateWorker("gpu-box", key: secret);
        await worker.StartAsync();
        using var api = await server.CreateClientWithKey(secret).GetAsync("/api/datasets");

        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
    }

    [Fact]
    public async Task WriteKey_CannotConnectAnEngineWorker()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        await using var worker = server.CreateWorker("not-a-worker", key: SteerLabServer.BootstrapKey);

        await Assert.ThrowsAnyAsync<Exception>(() => worker.StartAsync());
    }
}
