using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Data;

/// <summary>The workbench's database. One model for every provider; each provider has its own context subclass
/// (<see cref="SqliteSteerLabDbContext"/>, <see cref="PostgresSteerLabDbContext"/>) only so that each keeps its own
/// migrations, as EF Core recommends for several providers. Identity's user tables come from
/// <see cref="IdentityUserContext{TUser,TKey}"/> (no Identity roles: roles are per team, in <see cref="TeamMembers"/>).</summary>
public abstract class SteerLabDbContext(DbContextOptions options) : IdentityUserContext<SteerLabUser, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Data Protection's keys (sign-in cookies, judges' API keys), shared by every server instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<TeamInvitation> TeamInvitations => Set<TeamInvitation>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ModelEntry> Models => Set<ModelEntry>();
    public DbSet<SaeEntry> Saes => Set<SaeEntry>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<SteeringVectorEntity> Vectors => Set<SteeringVectorEntity>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<ChatSession> ChatSessions => Set<ChatSession>();
    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();
    public DbSet<ChatPreset> ChatPresets => Set<ChatPreset>();
    public DbSet<FeatureLabel> FeatureLabels => Set<FeatureLabel>();
    public DbSet<VectorShare> VectorShares => Set<VectorShare>();
    public DbSet<EvaluationRun> Runs => Set<EvaluationRun>();
    public DbSet<RunAnswer> RunAnswers => Set<RunAnswer>();
    public DbSet<RunJudgement> RunJudgements => Set<RunJudgement>();
    public DbSet<ReviewScore> ReviewScores => Set<ReviewScore>();
    public DbSet<JudgeSetting> JudgeSettings => Set<JudgeSetting>();

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        base.ConfigureConventions(conventions);
        // Every time is written as UTC; SQLite forgets the kind, so it is put back on reading.
        conventions.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        conventions.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TruncateTimesToMicroseconds();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TruncateTimesToMicroseconds();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>PostgreSQL keeps times to the microsecond, .NET to 100 ns: a row's time is cut to the microsecond before
    /// it is saved, so what a create returns equals what every later read returns, on either provider.</summary>
    void TruncateTimesToMicroseconds()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified)) continue;
            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is DateTime time && time.Ticks % TimeSpan.TicksPerMicrosecond != 0)
                    property.CurrentValue = time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));
                else if (property.CurrentValue is DateTimeOffset offset && offset.Ticks % TimeSpan.TicksPerMicrosecond != 0)
                    property.CurrentValue = offset.AddTicks(-(offset.Ticks % TimeSpan.TicksPerMicrosecond));
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        AccountsModel.Configure(model);
        RunsModel.Configure(model);
        model.Entity<ModelEntry>(e =>
        {
            e.Property(m => m.Name).HasMaxLength(200);
            e.Property(m => m.Path).HasMaxLength(512);
            e.Property(m => m.Architecture).HasMaxLength(32);
            e.HasIndex(m => m.Name).IsUnique();
            e.HasIndex(m => m.Path).IsUnique();
        });
        model.Entity<SaeEntry>(e =>
        {
            e.Property(s => s.Path).HasMaxLength(512);
            e.Property(s => s.Format).HasMaxLength(64);
            e.Property(s => s.Hook).HasMaxLength(128);
            e.Property(s => s.Sha256).HasMaxLength(64);
            e.Property(s => s.Model).HasMaxLength(512);
            e.HasIndex(s => s.Path).IsUnique();
        });
        model.Entity<Dataset>(e =>
        {
            e.Property(d => d.Name).HasMaxLength(200);
            e.Property(d => d.Description).HasMaxLength(4000);
            e.Property(d => d.ContentHash).HasMaxLength(64);
            e.HasIndex(d => d.ContentHash);
            e.HasIndex(d => new { d.TeamId, d.Name, d.ContentHash }).IsUnique();
        });
        model.Entity<SteeringVectorEntity>(e =>
        {
            e.ToTable("Vectors");
            e.Property(v => v.Name).HasMaxLength(200);
            e.Property(v => v.Method).HasMaxLength(16);
            e.Property(v => v.Hook).HasMaxLength(128);
            e.Property(v => v.Model).HasMaxLength(512);
            e.Property(v => v.DatasetHash).HasMaxLength(64);
            e.Property(v => v.SaeId).HasMaxLength(512);
            e.HasIndex(v => v.Name);
            e.HasIndex(v => v.Method);
            e.HasIndex(v => v.Model);
            e.HasIndex(v => v.DatasetHash);
        });
        model.Entity<Job>(e =>
        {
            e.Property(j => j.Kind).HasMaxLength(64);
            e.Property(j => j.Model).HasMaxLength(512);
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
            e.Property(j => j.Message).HasMaxLength(1000);
            e.Property(j => j.Error).HasMaxLength(4000);
            e.Property(j => j.WorkerId).HasMaxLength(200);
            e.Property(j => j.ServerInstance).HasMaxLength(200);
            e.HasIndex(j => new { j.State, j.CreatedAt });
        });
        model.Entity<ChatSession>(e =>
        {
            e.Property(s => s.Title).HasMaxLength(200);
            e.Property(s => s.Model).HasMaxLength(512);
            e.HasMany(s => s.Messages).WithOne(m => m.Session).HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ChatMessage>(e =>
        {
            e.Property(m => m.Role).HasMaxLength(16);
            e.HasIndex(m => new { m.SessionId, m.Index }).IsUnique();
        });
        model.Entity<ChatPreset>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.Model).HasMaxLength(512);
            e.HasIndex(p => p.Name);
        });
        model.Entity<FeatureLabel>(e =>
        {
            e.Property(l => l.SaeId).HasMaxLength(512);
            e.Property(l => l.Label).HasMaxLength(500);
            e.Property(l => l.Source).HasMaxLength(16);
            e.HasIndex(l => new { l.TeamId, l.SaeId, l.FeatureIndex }).IsUnique();
        });
    }
}

/// <summary>SQLite's context: migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteSteerLabDbContext(DbContextOptions<SqliteSteerLabDbContext> options) : SteerLabDbContext(options);

/// <summary>PostgreSQL's context: migrations in Data/Migrations/Postgres.</summary>
public sealed class PostgresSteerLabDbContext(DbContextOptions<PostgresSteerLabDbContext> options) : SteerLabDbContext(options);

sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
