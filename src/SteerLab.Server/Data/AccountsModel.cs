using Microsoft.EntityFrameworkCore;

namespace SteerLab.Server.Data;

/// <summary>The accounts part of the database model: teams, memberships, invitations, API keys, and the team every
/// team-owned row points to (deleting a team with content is refused by the foreign keys, never cascaded).</summary>
static class AccountsModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<Team>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(100);
        });
        model.Entity<TeamMember>(e =>
        {
            e.HasKey(m => new { m.TeamId, m.UserId });
            e.Property(m => m.Role).HasMaxLength(16);
            e.HasIndex(m => m.UserId);
            e.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<SteerLabUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<TeamInvitation>(e =>
        {
            e.Property(i => i.Role).HasMaxLength(16);
            e.Property(i => i.TokenHash).HasMaxLength(64);
            e.HasIndex(i => i.TokenHash).IsUnique();
            e.HasIndex(i => i.TeamId);
            e.HasOne<Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ApiKey>(e =>
        {
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.Prefix).HasMaxLength(16);
            e.Property(k => k.Hash).HasMaxLength(64);
            e.Property(k => k.Scope).HasMaxLength(16);
            e.HasIndex(k => k.Prefix);
            e.HasIndex(k => k.UserId);
            e.HasOne<SteerLabUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<VectorShare>(e =>
        {
            e.Property(s => s.LinkTokenHash).HasMaxLength(64);
            e.HasIndex(s => s.LinkTokenHash).IsUnique();
            e.HasIndex(s => new { s.TeamId, s.VectorId });
            e.HasIndex(s => s.VectorId);
            // Deleting the vector or the team it is shared with ends the share.
            e.HasOne<SteeringVectorEntity>().WithMany().HasForeignKey(s => s.VectorId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.ToTable(t => t.HasCheckConstraint("CK_VectorShares_TeamOrLink", "(\"TeamId\" IS NULL) <> (\"LinkTokenHash\" IS NULL)"));
        });
        OwnedByTeam<Dataset>(model);
        OwnedByTeam<SteeringVectorEntity>(model);
        OwnedByTeam<ChatSession>(model);
        OwnedByTeam<ChatPreset>(model);
        OwnedByTeam<Job>(model);
        OwnedByTeam<FeatureLabel>(model);
    }

    static void OwnedByTeam<T>(ModelBuilder model) where T : class =>
        model.Entity<T>(e =>
        {
            e.HasOne<Team>().WithMany().HasForeignKey("TeamId").OnDelete(DeleteBehavior.Restrict);
        });
}
