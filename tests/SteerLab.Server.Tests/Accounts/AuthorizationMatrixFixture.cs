using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>Who calls in the authorisation matrix. Team A's members, a member of team B acting on team A's ids, and the
/// server administrator (owner of the default team, not a member of team A).</summary>
public enum MatrixCaller { Anonymous, Viewer, Reviewer, Editor, Owner, OwnerReadKey, OtherTeamEditor, Administrator }

/// <summary>One host for the whole matrix (engine mode "workers": no engine, so jobs stay queued and nothing computes):
/// team A with the demo content, a job, a chat session, a preset and an invitation; a user per caller, each with an API
/// client (a write key; the owner also has a read key) and a signed-in browser.</summary>
public sealed class AuthorizationMatrixFixture : IAsyncLifetime
{
    /// <summary>Names only team A's objects carry, so a page can be searched for a leak.</summary>
    public const string SecretDataset = "Team A secret dataset";
    public const string SecretVector = "Team A secret vector";
    public const string SecretPreset = "Team A secret preset";

    public SteerLabServer Server { get; } = new(engineMode: "workers");
    public Guid TeamA { get; private set; }
    public Guid TeamB { get; private set; }
    public Guid DatasetId { get; private set; }
    public Guid VectorId { get; private set; }
    public Guid JobId { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid PresetId { get; private set; }
    public string InvitationToken { get; private set; } = "";
    /// <summary>The token of a read-only link to team A's vector.</summary>
    public string LinkToken { get; private set; } = "";
    public string VectorDocument { get; private set; } = "";
    public Guid OwnerId { get; private set; }
    /// <summary>Team A's open-ended run (its job ended) and its one answer.</summary>
    public Guid RunId { get; private set; }
    public long RunAnswerId { get; private set; }

    readonly Dictionary<MatrixCaller, HttpClient> api = [];
    readonly Dictionary<MatrixCaller, HttpClient> browsers = [];

    public HttpClient Api(MatrixCaller caller) => api[caller];

    /// <summary>A browser signed in as the caller (anonymous: none); null for callers that are keys, not people.</summary>
    public HttpClient? Browser(MatrixCaller caller) => browsers.GetValueOrDefault(caller);

    public async Task InitializeAsync()
    {
        TeamA = await Accounts.CreateTeamAsync(Server, "Team A");
        TeamB = await Accounts.CreateTeamAsync(Server, "Team B");
        await Server.Services.GetRequiredService<DemoContentSeeder>().SeedAsync(TeamA, "Team A", CancellationToken.None);

        var users = new Dictionary<MatrixCaller, (string Email, Guid Team, string Role)>
        {
            [MatrixCaller.Viewer] = ("viewer@a.test", TeamA, TeamRoles.Viewer),
            [MatrixCaller.Reviewer] = ("reviewer@a.test", TeamA, TeamRoles.Reviewer),
            [MatrixCaller.Editor] = ("editor@a.test", TeamA, TeamRoles.Editor),
            [MatrixCaller.Owner] = ("owner@a.test", TeamA, TeamRoles.Owner),
            [MatrixCaller.OtherTeamEditor] = ("editor@b.test", TeamB, TeamRoles.Editor),
        };
        api[MatrixCaller.Anonymous] = Server.CreateAnonymousClient();
        browsers[MatrixCaller.Anonymous] = Accounts.Browser(Server);
        api[MatrixCaller.Administrator] = Server.CreateClient(); // the bootstrap key acts for the administrator
        browsers[MatrixCaller.Administrator] = await SignedInAsync(SteerLabServer.AdminEmail, SteerLabServer.AdminPassword);
        foreach (var (caller, (email, team, role)) in users)
        {
            var user = await Accounts.CreateUserAsync(Server, email, team, role);
            if (caller == MatrixCaller.Owner) OwnerId = user;
            api[caller] = Server.CreateClientWithKey(await KeyAsync(user, ApiKeyScopes.Write));
            browsers[caller] = await SignedInAsync(email, Accounts.Password);
        }
        api[MatrixCaller.OwnerReadKey] = Server.CreateClientWithKey(await KeyAsync(OwnerId, ApiKeyScopes.Read));

        await using (var db = Server.CreateDbContext())
        {
            var dataset = db.Datasets.Where(d => d.TeamId == TeamA).OrderBy(d => d.Name).First();
            dataset.Name = SecretDataset;
            DatasetId = dataset.Id;
            var vector = db.Vectors.Where(v => v.TeamId == TeamA).OrderBy(v => v.Name).First();
            vector.Name = SecretVector;
            VectorId = vector.Id;
            VectorDocument = vector.DocumentJson;
            await db.SaveChangesAsync();
        }
        using (var created = await Api(MatrixCaller.Owner).PostAsJsonAsync("/api/jobs",
                   new { kind = "generate", parameters = new { model = "stories260K", prompt = "Once", maxNewTokens = 4 } }, JobApi.Json))
            JobId = (await created.Content.ReadFromJsonAsync<JobView>(JobApi.Json))!.Id;
        await using (var scope = Accounts.ActingFor(Server, OwnerId))
        {
            var setting = new ChatSettings([], DeltaCorrection: true, SteerAllPositions: false, new ChatSampling());
            PresetId = (await scope.ServiceProvider.GetRequiredService<IChatPresetService>().SaveAsync(SecretPreset, "stories260K", setting)).Id;
            SessionId = await scope.ServiceProvider.GetRequiredService<IChatSessionService>()
                .SaveExchangeAsync(null, "stories260K", setting, new SavedExchange("hello from team A", "hi", null));
            string path = (await scope.ServiceProvider.GetRequiredService<ITeamService>().CreateInvitationAsync(TeamRoles.Viewer)).Path;
            InvitationToken = path["/invite/".Length..];
            string link = (await scope.ServiceProvider.GetRequiredService<IVectorShareService>().CreateLinkAsync(VectorId)).Path;
            LinkToken = link["/shared/vectors/".Length..];
        }
        (RunId, RunAnswerId) = await Runs.MatrixRun.InsertAsync(Server, TeamA, VectorId);
    }

    /// <summary>A new copy of team A's dataset, for a probe that deletes it (so every caller finds one to delete).</summary>
    public async Task<Guid> VictimDatasetAsync()
    {
        await using var db = Server.CreateDbContext();
        var original = db.Datasets.Single(d => d.Id == DatasetId);
        var copy = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = TeamA, Name = $"victim {Guid.NewGuid():N}", Description = "", ContentHash = original.ContentHash,
            PairCount = original.PairCount, PairsJson = original.PairsJson, CreatedAt = DateTime.UtcNow,
        };
        db.Datasets.Add(copy);
        await db.SaveChangesAsync();
        return copy.Id;
    }

    /// <summary>A new copy of team A's vector, for a probe that deletes it.</summary>
    public async Task<Guid> VictimVectorAsync()
    {
        await using var db = Server.CreateDbContext();
        var original = db.Vectors.Single(v => v.Id == VectorId);
        var copy = new SteeringVectorEntity
        {
            Id = Guid.NewGuid(), TeamId = TeamA, Name = "victim", Method = original.Method, Hook = original.Hook, Model = original.Model,
            DatasetHash = original.DatasetHash, SaeId = original.SaeId, DocumentJson = original.DocumentJson, CreatedAt = DateTime.UtcNow,
        };
        db.Vectors.Add(copy);
        await db.SaveChangesAsync();
        return copy.Id;
    }

    /// <summary>A new link share of team A's vector, for a probe that revokes it.</summary>
    public async Task<Guid> VictimShareAsync()
    {
        await using var db = Server.CreateDbContext();
        var share = new VectorShare
        {
            Id = Guid.NewGuid(), VectorId = VectorId, LinkTokenHash = Guid.NewGuid().ToString("N"), CreatedBy = OwnerId, CreatedAt = DateTime.UtcNow,
        };
        db.VectorShares.Add(share);
        await db.SaveChangesAsync();
        return share.Id;
    }

    async Task<string> KeyAsync(Guid user, string scope)
    {
        await using var acting = Accounts.ActingFor(Server, user);
        return (await acting.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync($"matrix {scope}", scope)).Secret;
    }

    async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var browser = Accounts.Browser(Server);
        using var signedIn = await Accounts.SignInAsync(browser, email, password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.DoesNotContain("error=", signedIn.Headers.Location!.OriginalString);
        return browser;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in api.Values.Concat(browsers.Values)) client.Dispose();
        await Server.DisposeAsync();
    }
}
