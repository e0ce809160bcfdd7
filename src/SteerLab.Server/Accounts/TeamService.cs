using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary>The caller's active team (<see cref="ITeamService"/>): members and roles, one-time invitation links (only the
/// token's SHA-256 is stored), accepting them, and new teams. Changes need the owner role; a team never loses its last
/// owner.</summary>
public sealed class TeamService(IDbContextFactory<SteerLabDbContext> contexts, TeamScope scope, DemoContentSeeder demo, TimeProvider time, ILogger<TeamService> logger) : ITeamService
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);
    public const string InvitationMarker = "sli_";
    public const int MaxTeamNameLength = 100;

    DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<IReadOnlyList<TeamMemberView>> ListMembersAsync(CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var members = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == team)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new TeamMemberView(u.Id, u.Email ?? "", m.Role, m.JoinedAt))
            .ToListAsync(cancellationToken);
        return members.OrderByDescending(m => TeamRoles.Rank(m.Role)).ThenBy(m => m.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<IReadOnlyList<TeamInvitationView>> ListInvitationsAsync(CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(TeamRoles.Owner, cancellationToken)).TeamId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invitations = await db.TeamInvitations.AsNoTracking().Where(i => i.TeamId == team).ToListAsync(cancellationToken);
        return invitations.OrderByDescending(i => i.CreatedAt).Select(View).ToList();
    }

    public async Task ChangeRoleAsync(Guid userId, string role, CancellationToken cancellationToken = default)
    {
        if (!TeamRoles.IsKnown(role)) throw new ArgumentException($"the role must be one of {string.Join(", ", TeamRoles.All)}, not '{role}'");
        var team = (await scope.RequireAsync(TeamRoles.Owner, cancellationToken)).TeamId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var member = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == team && m.UserId == userId, cancellationToken)
            ?? throw new KeyNotFoundException("that person is not a member of this team");
        if (member.Role == TeamRoles.Owner && role != TeamRoles.Owner) await RequireAnotherOwnerAsync(db, team, userId, cancellationToken);
        member.Role = role;
        await db.SaveChangesAsync(cancellationToken);
        scope.Reset();
    }

    public async Task RemoveMemberAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(TeamRoles.Owner, cancellationToken)).TeamId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var member = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == team && m.UserId == userId, cancellationToken)
            ?? throw new KeyNotFoundException("that person is not a member of this team");
        if (member.Role == TeamRoles.Owner) await RequireAnotherOwnerAsync(db, team, userId, cancellationToken);
        db.TeamMembers.Remove(member);
        await db.SaveChangesAsync(cancellationToken);
        scope.Reset();
    }

    public async Task<TeamInvitationCreated> CreateInvitationAsync(string role, CancellationToken cancellationToken = default)
    {
        if (!TeamRoles.IsKnown(role)) throw new ArgumentException($"the role must be one of {string.Join(", ", TeamRoles.All)}, not '{role}'");
        var caller = await scope.RequireAsync(TeamRoles.Owner, cancellationToken);
        string token = ApiKeySecrets.NewSecret(InvitationMarker);
        var invitation = new TeamInvitation
        {
            Id = Guid.NewGuid(), TeamId = caller.TeamId, Role = role, TokenHash = ApiKeySecrets.Hash(token), CreatedBy = caller.UserId,
            CreatedAt = Now, ExpiresAt = Now + InvitationLifetime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.TeamInvitations.Add(invitation);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Invitation {Id} to team {Team} as {Role} created by {User}", invitation.Id, caller.TeamName, role, caller.UserId);
        return new TeamInvitationCreated(View(invitation), $"/invite/{token}");
    }

    public async Task<bool> RevokeInvitationAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(TeamRoles.Owner, cancellationToken)).TeamId;
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.TeamInvitations.Where(i => i.Id == id && i.TeamId == team && i.AcceptedBy == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.RevokedAt, now), cancellationToken) > 0;
    }

    /// <summary>Whether <paramref name="token"/> names an invitation that can still be accepted (not used, revoked or
    /// expired) — checked before an account is created for it.</summary>
    public static async Task<bool> IsInvitationOpenAsync(SteerLabDbContext db, string token, DateTime now, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200) return false;
        string hash = ApiKeySecrets.Hash(token.Trim());
        return await db.TeamInvitations.AnyAsync(i => i.TokenHash == hash && i.RevokedAt == null && i.AcceptedBy == null && i.ExpiresAt > now, cancellationToken);
    }

    public async Task<TeamView?> AcceptInvitationAsync(string token, CancellationToken cancellationToken = default)
    {
        // Someone with no team yet (an account just created from this invitation) may accept it too.
        var caller = await scope.SignedInUserAsync() ?? throw new NotSignedInException("sign in first to accept an invitation");
        if (caller.KeyScope is not null) throw new TeamAccessDeniedException("invitations are accepted by a signed-in person, not with an API key");
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200) return null;
        string hash = ApiKeySecrets.Hash(token.Trim());
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invitation = await db.TeamInvitations.FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        if (invitation is null || invitation.RevokedAt is not null || invitation.AcceptedBy is not null || invitation.ExpiresAt <= now) return null;
        // Claimed with a conditional update, so two people opening the same link cannot both join.
        int claimed = await db.TeamInvitations.Where(i => i.Id == invitation.Id && i.AcceptedBy == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.AcceptedBy, caller.UserId).SetProperty(i => i.AcceptedAt, now), cancellationToken);
        if (claimed == 0) return null;
        var existing = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == invitation.TeamId && m.UserId == caller.UserId, cancellationToken);
        if (existing is null) db.TeamMembers.Add(new TeamMember { TeamId = invitation.TeamId, UserId = caller.UserId, Role = invitation.Role, JoinedAt = now });
        else if (TeamRoles.Rank(invitation.Role) > TeamRoles.Rank(existing.Role)) existing.Role = invitation.Role; // never demotes
        await db.SaveChangesAsync(cancellationToken);
        await db.Users.Where(u => u.Id == caller.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.ActiveTeamId, invitation.TeamId), cancellationToken);
        scope.Reset();
        var team = await db.Teams.AsNoTracking().FirstAsync(t => t.Id == invitation.TeamId, cancellationToken);
        logger.LogInformation("User {User} joined team {Team} as {Role}", caller.UserId, team.Name, existing?.Role ?? invitation.Role);
        return new TeamView(team.Id, team.Name, existing?.Role ?? invitation.Role);
    }

    public async Task<TeamView> CreateTeamAsync(string name, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > MaxTeamNameLength) throw new ArgumentException($"a team's name is 1 to {MaxTeamNameLength} characters");
        var caller = await scope.GetAsync(cancellationToken);
        if (caller.KeyScope is not (null or ApiKeyScopes.Write)) throw new TeamAccessDeniedException($"an API key with the \"{caller.KeyScope}\" scope cannot create teams");
        var team = new Team { Id = Guid.NewGuid(), Name = name, CreatedAt = Now };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Teams.Add(team);
        db.TeamMembers.Add(new TeamMember { TeamId = team.Id, UserId = caller.UserId, Role = TeamRoles.Owner, JoinedAt = Now });
        await db.SaveChangesAsync(cancellationToken);
        await db.Users.Where(u => u.Id == caller.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.ActiveTeamId, team.Id), cancellationToken);
        await demo.SeedAsync(team.Id, team.Name, cancellationToken);
        scope.Reset();
        return new TeamView(team.Id, team.Name, TeamRoles.Owner);
    }

    static async Task RequireAnotherOwnerAsync(SteerLabDbContext db, Guid team, Guid leaving, CancellationToken cancellationToken)
    {
        if (!await db.TeamMembers.AnyAsync(m => m.TeamId == team && m.UserId != leaving && m.Role == TeamRoles.Owner, cancellationToken))
            throw new InvalidOperationException("a team needs at least one owner: make someone else owner first");
    }

    static TeamInvitationView View(TeamInvitation i) => new(i.Id, i.Role, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt);
}
