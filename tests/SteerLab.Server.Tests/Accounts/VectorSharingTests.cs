using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>A vector shared read-only: with another team (which lists, reads, exports, compares and steers with it, but
/// cannot delete or re-share it), or by a link that opens without signing in; revoking either ends it at once.</summary>
public sealed class VectorSharingTests
{
    static async Task<HttpClient> MemberClientAsync(SteerLabServer server, Guid team, string role, string email)
    {
        var user = await Accounts.CreateUserAsync(server, email, team, role);
        await using var scope = Accounts.ActingFor(server, user);
        var key = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("test", ApiKeyScopes.Write);
        return server.CreateClientWithKey(key.Secret);
    }

    static async Task<VectorSummary> FirstVectorAsync(HttpClient owner) =>
        (await owner.GetFromJsonAsyncOrFail<List<VectorSummary>>("/api/vectors"))[0];

    [Fact]
    public async Task TeamShare_LetsTheOtherTeamReadExportCompareAndSteer_ButNotDeleteOrReshare_UntilRevoked()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        using var owner = server.CreateClient(); // the administrator, owner of the default team
        var vector = await FirstVectorAsync(owner);
        var teamB = await Accounts.CreateTeamAsync(server, "Team B");
        using var other = await MemberClientAsync(server, teamB, TeamRoles.Editor, "b@steerlab.test");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/vectors/{vector.Id}")).StatusCode); // not yet

        using var shared = await owner.PostAsJsonAsync($"/api/vectors/{vector.Id}/shares", new { team = "team b" }); // any case
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
        var share = (await shared.Content.ReadFromJsonAsync<VectorShareView>(JobApi.Json))!;
        Assert.Equal("Team B", share.TeamName);

        var listed = await other.GetFromJsonAsyncOrFail<List<VectorSummary>>("/api/vectors");
        Assert.Equal(Team.DefaultName, Assert.Single(listed, v => v.Id == vector.Id).SharedFrom);
        var detail = await other.GetFromJsonAsyncOrFail<VectorDetail>($"/api/vectors/{vector.Id}");
        Assert.Equal(Team.DefaultName, detail.Summary.SharedFrom);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/vectors/{vector.Id}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("/api/compare/overlap", new { vectorIds = new[] { vector.Id } })).StatusCode);
        // Steering with it: the vector resolves (the request is then refused for its temperature, before any engine is needed).
        using var steered = await other.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "stories260K", temperature = 1000, max_tokens = 4, messages = new[] { new { role = "user", content = "hi" } },
            steering = new[] { new { vector_id = vector.Id, lambda = 1.0 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, steered.StatusCode);
        Assert.DoesNotContain("there is no vector", await steered.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/vectors/{vector.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/vectors/{vector.Id}/shares", new { link = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/vectors/{vector.Id}/shares")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/vectors/shares/{share.Id}")).StatusCode); // only the owners revoke
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/vectors/{vector.Id}")).StatusCode); // still there

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/vectors/shares/{share.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/vectors/{vector.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/vectors/{vector.Id}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/vectors/{vector.Id}")).StatusCode);
        Assert.DoesNotContain(await other.GetFromJsonAsyncOrFail<List<VectorSummary>>("/api/vectors"), v => v.Id == vector.Id);
        var shares = await owner.GetFromJsonAsyncOrFail<List<VectorShareView>>($"/api/vectors/{vector.Id}/shares");
        Assert.NotNull(Assert.Single(shares).RevokedAt);
    }

    [Fact]
    public async Task Link_OpensWithoutSigningIn_UntilRevoked_ThenAnswers404()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        using var owner = server.CreateClient();
        var vector = await FirstVectorAsync(owner);
        using var created = await owner.PostAsJsonAsync($"/api/vectors/{vector.Id}/shares", new { link = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = (await created.Content.ReadFromJsonAsync<VectorShareLinkCreated>(JobApi.Json))!;
        Assert.True(link.Share.IsLink);
        string token = link.Path["/shared/vectors/".Length..];
        using var anonymous = Accounts.Browser(server);

        using var page = await anonymous.GetAsync(link.Path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(vector.Name), await page.Content.ReadAsStringAsync());
        string exported = await anonymous.GetStringAsync($"/api/shared/vectors/{token}/export");
        Assert.Equal(await owner.GetStringAsync($"/api/vectors/{vector.Id}/export"), exported);
        Assert.Equal(vector.Id, (await anonymous.GetFromJsonAsyncOrFail<VectorDetail>($"/api/shared/vectors/{token}")).Summary.Id);
        // Only the hash is stored.
        await using (var db = server.CreateDbContext())
            Assert.DoesNotContain(db.VectorShares, s => s.LinkTokenHash == token);
        // The link reads; it does not open the rest of the workbench.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/vectors/{vector.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/vectors/shares/{link.Share.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(link.Path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/shared/vectors/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/shared/vectors/{token}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/shared/vectors/{VectorShareLinks.TokenMarker}guessed")).StatusCode);
    }

    [Fact]
    public async Task Sharing_NeedsAnEditorOfTheOwningTeam_AndAnotherTeamByItsName()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        using var owner = server.CreateClient();
        var vector = await FirstVectorAsync(owner);
        using var viewer = await MemberClientAsync(server, Team.DefaultId, TeamRoles.Viewer, "viewer@steerlab.test");
        await Accounts.CreateTeamAsync(server, "Twin");
        await Accounts.CreateTeamAsync(server, "twin");

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/vectors/{vector.Id}/shares", new { link = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/vectors/{vector.Id}/shares")).StatusCode); // members see the shares
        foreach (var (body, problem) in new (object, string)[]
                 {
                     (new { team = Team.DefaultName }, "your own team"),
                     (new { team = "Nobody" }, "there is no team called"),
                     (new { team = "twin" }, "several teams"),
                     (new { team = "Twin", link = true }, "either"),
                 })
        {
            using var refused = await owner.PostAsJsonAsync($"/api/vectors/{vector.Id}/shares", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(problem, await refused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task DeletingAVector_EndsItsShares()
    {
        await using var server = new SteerLabServer(engineMode: "workers");
        using var owner = server.CreateClient();
        var vector = await FirstVectorAsync(owner);
        await Accounts.CreateTeamAsync(server, "Team B");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/vectors/{vector.Id}/shares", new { team = "Team B" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/vectors/{vector.Id}/shares", new { link = true })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/vectors/{vector.Id}")).StatusCode);

        await using var db = server.CreateDbContext();
        Assert.Empty(db.VectorShares);
    }
}
