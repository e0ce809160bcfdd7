using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Vectors;

/// <summary>Read-only shares of the caller's team's vectors (<see cref="IVectorShareService"/>): with another team, or by a
/// link whose token is shown once (only its SHA-256 is stored, as for invitations and API keys). The owning team's editors
/// share and revoke; reading through a share goes through <see cref="VectorVisibility"/> (teams) or
/// <see cref="OpenLinkAsync"/> (links, no sign-in).</summary>
public sealed class VectorShareService(
    IDbContextFactory<SteerLabDbContext> contexts,
    TeamScope scope,
    VectorService vectors,
    TimeProvider time,
    ILogger<VectorShareService> logger) : IVectorShareService
{
    /// <summary>Longer is no token of ours: refused before hashing.</summary>
    const int MaxTokenLength = 100;

    DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<IReadOnlyList<VectorShareView>?> ListAsync(Guid vectorId, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Vectors.AnyAsync(v => v.Id == vectorId && v.TeamId == team, cancellationToken)) return null;
        var shares = await db.VectorShares.AsNoTracking().Where(s => s.VectorId == vectorId).ToListAsync(cancellationToken);
        var teamIds = shares.Where(s => s.TeamId is not null).Select(s => s.TeamId!.Value).Distinct().ToList();
        var userIds = shares.Select(s => s.CreatedBy).Distinct().ToList();
        var teams = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var emails = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        return shares.OrderByDescending(s => s.CreatedAt)
            .Select(s => View(s, s.TeamId is { } id ? teams.GetValueOrDefault(id) : null, emails.GetValueOrDefault(s.CreatedBy))).ToList();
    }

    public async Task<VectorShareView> ShareWithTeamAsync(Guid vectorId, string teamName, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        string name = teamName?.Trim() ?? "";
        if (name.Length is 0 or > TeamService.MaxTeamNameLength) throw new ArgumentException("give the name of the team to share with");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RequireOwnVectorAsync(db, vectorId, caller.TeamId, cancellationToken);
        string lowered = name.ToLowerInvariant();
        var teams = await db.Teams.AsNoTracking().Where(t => t.Name.ToLower() == lowered).Select(t => new { t.Id, t.Name }).Take(2).ToListAsync(cancellationToken);
        if (teams.Count == 0) throw new ArgumentException($"there is no team called \"{name}\"");
        if (teams.Count > 1) throw new ArgumentException($"several teams are called \"{name}\"; ask the other team to rename theirs");
        var target = teams[0];
        if (target.Id == caller.TeamId) throw new ArgumentException("this is your own team: its members see the vector already");

        if (await db.VectorShares.AsNoTracking().FirstOrDefaultAsync(s => s.VectorId == vectorId && s.TeamId == target.Id && s.RevokedAt == null, cancellationToken) is { } existing)
            return View(existing, target.Name, caller.Email);
        var share = new VectorShare { Id = Guid.NewGuid(), VectorId = vectorId, TeamId = target.Id, CreatedBy = caller.UserId, CreatedAt = Now };
        db.VectorShares.Add(share);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Vector {Vector} shared read-only with team {Team} by {User}", vectorId, target.Name, caller.UserId);
        return View(share, target.Name, caller.Email);
    }

    public async Task<VectorShareLinkCreated> CreateLinkAsync(Guid vectorId, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RequireOwnVectorAsync(db, vectorId, caller.TeamId, cancellationToken);
        string token = ApiKeySecrets.NewSecret(VectorShareLinks.TokenMarker);
        var share = new VectorShare
        {
            Id = Guid.NewGuid(), VectorId = vectorId, LinkTokenHash = ApiKeySecrets.Hash(token), CreatedBy = caller.UserId, CreatedAt = Now,
        };
        db.VectorShares.Add(share);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Vector {Vector} shared by link {Share} by {User}", vectorId, share.Id, caller.UserId);
        return new VectorShareLinkCreated(View(share, null, caller.Email), VectorShareLinks.Page(token));
    }

    public async Task<bool> RevokeAsync(Guid shareId, CancellationToken cancellationToken = default)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Only shares of the caller's team's own vectors: the team a vector is shared with cannot revoke it.
        bool revoked = await db.VectorShares
            .Where(s => s.Id == shareId && s.RevokedAt == null && db.Vectors.Any(v => v.Id == s.VectorId && v.TeamId == caller.TeamId))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now), cancellationToken) > 0;
        if (revoked) logger.LogInformation("Vector share {Share} revoked by {User}", shareId, caller.UserId);
        return revoked;
    }

    public async Task<VectorDetail?> OpenLinkAsync(string token, int topEntries = VectorDetail.DefaultTopEntries, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await LinkedVectorAsync(db, token, cancellationToken);
        return entity is null ? null : vectors.Detail(entity, topEntries);
    }

    public async Task<VectorExport?> ExportLinkAsync(string token, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await LinkedVectorAsync(db, token, cancellationToken);
        return entity is null ? null : new VectorExport(VectorFileNames.For(entity.Name, entity.Id), entity.DocumentJson);
    }

    /// <summary>The vector an active link names; null for anything else (unknown, revoked, malformed).</summary>
    static async Task<SteeringVectorEntity?> LinkedVectorAsync(SteerLabDbContext db, string token, CancellationToken cancellationToken)
    {
        token = token?.Trim() ?? "";
        if (token.Length is 0 or > MaxTokenLength || !token.StartsWith(VectorShareLinks.TokenMarker, StringComparison.Ordinal)) return null;
        string hash = ApiKeySecrets.Hash(token);
        return await db.VectorShares.AsNoTracking().Where(s => s.LinkTokenHash == hash && s.RevokedAt == null)
            .Join(db.Vectors.AsNoTracking(), s => s.VectorId, v => v.Id, (s, v) => v).FirstOrDefaultAsync(cancellationToken);
    }

    static async Task RequireOwnVectorAsync(SteerLabDbContext db, Guid vectorId, Guid team, CancellationToken cancellationToken)
    {
        if (!await db.Vectors.AnyAsync(v => v.Id == vectorId && v.TeamId == team, cancellationToken))
            throw new KeyNotFoundException($"there is no vector {vectorId} in your team's library");
    }

    static VectorShareView View(VectorShare share, string? teamName, string? createdBy) =>
        new(share.Id, share.TeamId is null ? null : teamName ?? "a deleted team", share.CreatedAt, createdBy ?? "", share.RevokedAt);
}
