using Microsoft.EntityFrameworkCore;

namespace SteerLab.Server.Data;

/// <summary>The evaluation part of the database model: runs, their answers, judgements and reviews, and the teams'
/// judge endpoints. Deleting a run deletes its answers and everything scored on them.</summary>
static class RunsModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<EvaluationRun>(e =>
        {
            e.Property(r => r.Kind).HasMaxLength(32);
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.Model).HasMaxLength(512);
            e.Property(r => r.JudgingState).HasConversion<string>().HasMaxLength(24);
            e.Property(r => r.JudgingMessage).HasMaxLength(1000);
            e.Property(r => r.JudgingServerInstance).HasMaxLength(200);
            e.HasIndex(r => new { r.TeamId, r.CreatedAt });
            e.HasIndex(r => r.JobId).IsUnique();
            e.HasIndex(r => r.JudgingState);
            e.HasOne<Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<JudgeSetting>().WithMany().HasForeignKey(r => r.JudgeSettingId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<RunAnswer>(e =>
        {
            e.Property(a => a.Finish).HasMaxLength(16);
            e.HasIndex(a => new { a.RunId, a.Series, a.QuestionIndex });
            e.HasOne<EvaluationRun>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<RunJudgement>(e =>
        {
            e.Property(j => j.Item).HasMaxLength(16);
            e.Property(j => j.Judge).HasMaxLength(300);
            e.Property(j => j.Status).HasMaxLength(16);
            e.Property(j => j.RawText).HasMaxLength(4096);
            e.Property(j => j.Detail).HasMaxLength(1000);
            // One judgement per answer and item: a resumed judging phase cannot score the same thing twice.
            e.HasIndex(j => new { j.AnswerId, j.Item }).IsUnique();
            e.HasIndex(j => j.RunId);
            e.HasOne<RunAnswer>().WithMany().HasForeignKey(j => j.AnswerId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ReviewScore>(e =>
        {
            e.Property(r => r.Item).HasMaxLength(16);
            e.HasIndex(r => new { r.AnswerId, r.Item, r.ReviewerId }).IsUnique();
            e.HasIndex(r => new { r.RunId, r.ReviewerId });
            e.HasOne<RunAnswer>().WithMany().HasForeignKey(r => r.AnswerId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<SteerLabUser>().WithMany().HasForeignKey(r => r.ReviewerId).OnDelete(DeleteBehavior.Cascade);
            e.ToTable(t => t.HasCheckConstraint("CK_ReviewScores_Score", "\"Score\" >= 0 AND \"Score\" <= 10"));
        });
        model.Entity<JudgeSetting>(e =>
        {
            e.Property(j => j.Name).HasMaxLength(100);
            e.Property(j => j.BaseUrl).HasMaxLength(500);
            e.Property(j => j.Model).HasMaxLength(200);
            e.HasIndex(j => new { j.TeamId, j.Name }).IsUnique();
            e.HasOne<Team>().WithMany().HasForeignKey(j => j.TeamId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
