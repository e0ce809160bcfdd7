using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Data;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>Every query is scoped to the caller's team: another team's datasets, vectors, jobs and chats are not
/// listed, and asking for them by id answers 404 (not 403), so ids cannot be probed. Roles limit what members do.</summary>
public sealed class TeamScopingTests
{
    static readonly ChatSettings Setting = new([], DeltaCorrection: true, SteerAllPositions: false, new ChatSampling());

    static async Task<HttpClient> MemberClientAsync(SteerLabServer server, Guid team, string role, string email)
    {
        var user = await Accounts.CreateUserAsync(server, email, team, role);
        await using var scope = Accounts.ActingFor(server, user);
        var key = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("test", ApiKeyScopes.Write);
        return server.CreateClientWithKey(key.Secret);
    }

    [Fact]
    public async Task AnotherTeam_CannotListReadOrDeleteADataset()
    {
        await using var server = new SteerLabServer();
        var teamA = new Datasets.DatasetApi(server.CreateClient());
        using var upload = await teamA.UploadAsync("prompt,positive,negative\nA,b,c\n", "team-a.csv");
        var dataset = await Datasets.DatasetApi.ReadAsync<Shared.Datasets.DatasetSummary>(upload, "upload");
        var teamB = await Accounts.CreateTeamAsync(server, "Team B");
        using var other = await MemberClientAsync(server, teamB, TeamRoles.Owner, "b@steerlab.test");

        var listed = await new Datasets.DatasetApi(other).ListAsync();
        using var get = await other.GetAsync($"/api/datasets/{dataset.Id}");
        using var pairs = await other.GetAsync($"/api/datasets/{dataset.Id}/pairs");
        using var delete = await other.DeleteAsync($"/api/datasets/{dataset.Id}");
        using var guessed = await other.GetAsync($"/api/datasets/{Guid.NewGuid()}");

        Assert.DoesNotContain(listed, d => d.Id == dataset.Id);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pairs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, guessed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync($"/api/datasets/{dataset.Id}")).StatusCode); // still there
    }

    [Fact]
    public async Task AnotherTeam_CannotSeeOrDeleteAVector_AndGetsItsOwnDemoCopies()
    {
        await using var server = new SteerLabServer();
        var teamB = await Accounts.CreateTeamAsync(server, "Team B");
        using var other = await MemberClientAsync(server, teamB, TeamRoles.Owner, "b@steerlab.test");
        // A team made after the start gets the demo content when created through the service; here, directly.
        await server.Services.GetRequiredService<SteerLab.Server.Accounts.DemoContentSeeder>().SeedAsync(teamB, "Team B", CancellationToken.None);

        var mine = await server.CreateClient().GetFromJsonAsyncOrFail<List<VectorSummary>>("/api/vectors");
        var theirs = await other.GetFromJsonAsyncOrFail<List<VectorSummary>>("/api/vectors");
        Assert.NotEmpty(mine);
        Assert.Equal(mine.Count, theirs.Count);
        Assert.Empty(mine.Select(v => v.Id).Intersect(theirs.Select(v => v.Id)));

        var vector = mine[0].Id;
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/vectors/{vector}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/vectors/{vector}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/vectors/{vector}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync($"/api/vectors/{vector}")).StatusCode);
    }

    [Fact]
    public async Task AnotherTeam_CannotSeeOrCancelAJob()
    {
        await using var server = new SteerLabServer(engineMode: "workers"); // no engine: the job stays queued
        var jobs = new JobApi(server.CreateClient());
        var job = await jobs.CreateGenerateAsync(new Shared.Engine.GenerateJobParameters("stories260K", Prompt: "Once", MaxNewTokens: 4));
        var teamB = await Accounts.CreateTeamAsync(server, "Team B");
        using var other = await MemberClientAsync(server, teamB, TeamRoles.Editor, "b@steerlab.test");

        var listed = await other.GetFromJsonAsyncOrFail<List<JobView>>("/api/jobs");
        using var get = await other.GetAsync($"/api/jobs/{job.Id}");
        using var cancel = await other.PostAsync($"/api/jobs/{job.Id}/cancel", null);

        Assert.DoesNotContain(listed, j => j.Id == job.Id);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(JobState.Queued, (await jobs.GetAsync(job.Id)).State);
    }

    [Fact]
    public async Task AnotherTeam_CannotSeeAChatPresetOrSession()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        var teamB = await Accounts.CreateTeamAsync(server, "Team B");
        var userB = await Accounts.CreateUserAsync(server, "b@steerlab.test", teamB, TeamRoles.Owner);
        Guid preset, session;
        await using (var scope = Accounts.ActingFor(server, admin))
        {
            preset = (await scope.ServiceProvider.GetRequiredService<IChatPresetService>().SaveAsync("mine", "stories260K", Setting)).Id;
            session = await scope.ServiceProvider.GetRequiredService<IChatSessionService>()
                .SaveExchangeAsync(null, "stories260K", Setting, new SavedExchange("hello", "hi", null));
        }

        await using var other = Accounts.ActingFor(server, userB);
        var presets = other.ServiceProvider.GetRequiredService<IChatPresetService>();
        var sessions = other.ServiceProvider.GetRequiredService<IChatSessionService>();
        Assert.Empty(await presets.ListAsync());
        Assert.Null(await presets.FindAsync(preset));
        Assert.False(await presets.DeleteAsync(preset));
        Assert.Empty(await sessions.ListAsync());
        Assert.Null(await sessions.FindAsync(session));
        Assert.False(await sessions.DeleteAsync(session));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => sessions.SaveExchangeAsync(session, "stories260K", Setting, new SavedExchange("x", null, null)));
    }

    [Fact]
    public async Task Viewer_ReadsButCannotCreateADataset()
    {
        await using var server = new SteerLabServer();
        using var viewer = await MemberClientAsync(server, Team.DefaultId, TeamRoles.Viewer, "viewer@steerlab.test");
        var api = new Datasets.DatasetApi(viewer);

        var listed = await api.ListAsync();
        using var upload = await api.UploadAsync("prompt,positive,negative\nA,b,c\n", "viewer.csv");
        using var job = await viewer.PostAsJsonAsync("/api/jobs", new { kind = "generate", parameters = new { model = "stories260K", prompt = "x" } }, JobApi.Json);

        Assert.NotEmpty(listed);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, job.StatusCode);
    }

    [Fact]
    public async Task Invitation_GivesItsRole_OnceOnly()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        var teamB = await Accounts.CreateTeamAsync(server, "Team B");
        var newcomer = await Accounts.CreateUserAsync(server, "new@steerlab.test", teamB, TeamRoles.Owner);
        var latecomer = await Accounts.CreateUserAsync(server, "late@steerlab.test", teamB, TeamRoles.Owner);
        TeamInvitationCreated invitation;
        await using (var scope = Accounts.ActingFor(server, admin))
            invitation = await scope.ServiceProvider.GetRequiredService<ITeamService>().CreateInvitationAsync(TeamRoles.Reviewer);
        string token = invitation.Path["/invite/".Length..];

        await using (var scope = Accounts.ActingFor(server, newcomer))
        {
            var joined = await scope.ServiceProvider.GetRequiredService<ITeamService>().AcceptInvitationAsync(token);
            Assert.Equal(new TeamView(Team.DefaultId, Team.DefaultName, TeamRoles.Reviewer), joined);
            var account = await scope.ServiceProvider.GetRequiredService<IAccountService>().GetAsync();
            Assert.Equal(Team.DefaultId, account.ActiveTeam.Id); // accepting switches to the team
            Assert.Equal(2, account.Teams.Count);
        }
        await using (var scope = Accounts.ActingFor(server, latecomer))
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ITeamService>().AcceptInvitationAsync(token));

        await using var db = server.CreateDbContext();
        Assert.Equal(TeamRoles.Reviewer, db.TeamMembers.Single(m => m.UserId == newcomer && m.TeamId == Team.DefaultId).Role);
        Assert.DoesNotContain(db.TeamMembers, m => m.UserId == latecomer && m.TeamId == Team.DefaultId);
        Assert.DoesNotContain(db.TeamInvitations, i => i.TokenHash == token);
    }

    [Fact]
    public async Task ARevokedInvitation_IsListedAsRevoked_AndCannotBeAccepted()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        var teamB = await Accounts.CreateTeamAsync(server, "Team B");
        var invited = await Accounts.CreateUserAsync(server, "invited@steerlab.test", teamB, TeamRoles.Owner);
        var editor = await Accounts.CreateUserAsync(server, "editor@steerlab.test", Team.DefaultId, TeamRoles.Editor);
        TeamInvitationCreated revoked, kept;
        await using (var scope = Accounts.ActingFor(server, admin))
        {
            var teams = scope.ServiceProvider.GetRequiredService<ITeamService>();
            revoked = await teams.CreateInvitationAsync(TeamRoles.Editor);
            kept = await teams.CreateInvitationAsync(TeamRoles.Viewer);
            Assert.True(await teams.RevokeInvitationAsync(revoked.Invitation.Id));
            Assert.False(await teams.RevokeInvitationAsync(revoked.Invitation.Id)); // once

            var listed = await teams.ListInvitationsAsync();
            Assert.Equal([kept.Invitation.Id, revoked.Invitation.Id], listed.Select(i => i.Id)); // newest first
            Assert.NotNull(listed.Single(i => i.Id == revoked.Invitation.Id).RevokedAt);
            Assert.Null(listed.Single(i => i.Id == kept.Invitation.Id).RevokedAt);
        }
        await using (var scope = Accounts.ActingFor(server, invited))
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ITeamService>().AcceptInvitationAsync(revoked.Path["/invite/".Length..]));
        await using (var scope = Accounts.ActingFor(server, editor)) // only owners see or revoke invitations
        {
            var teams = scope.ServiceProvider.GetRequiredService<ITeamService>();
            await Assert.ThrowsAsync<TeamAccessDeniedException>(() => teams.ListInvitationsAsync());
            await Assert.ThrowsAsync<TeamAccessDeniedException>(() => teams.RevokeInvitationAsync(kept.Invitation.Id));
        }

        await using var db = server.CreateDbContext();
        Assert.DoesNotContain(db.TeamMembers, m => m.UserId == invited && m.TeamId == Team.DefaultId);
    }

    [Fact]
    public async Task OnlyOwners_ManageMembers_AndATeamKeepsAnOwner()
    {
        await using var server = new SteerLabServer();
        var admin = await Accounts.AdminIdAsync(server);
        var editor = await Accounts.CreateUserAsync(server, "editor@steerlab.test", Team.DefaultId, TeamRoles.Editor);

        await using (var scope = Accounts.ActingFor(server, editor))
            await Assert.ThrowsAsync<TeamAccessDeniedException>(() => scope.ServiceProvider.GetRequiredService<ITeamService>().CreateInvitationAsync(TeamRoles.Owner));
        await using (var scope = Accounts.ActingFor(server, admin))
        {
            var teams = scope.ServiceProvider.GetRequiredService<ITeamService>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => teams.ChangeRoleAsync(admin, TeamRoles.Viewer)); // the last owner
            await teams.ChangeRoleAsync(editor, TeamRoles.Viewer);
            Assert.Equal(TeamRoles.Viewer, (await teams.ListMembersAsync()).Single(m => m.UserId == editor).Role);
        }
    }
}
