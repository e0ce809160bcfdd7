namespace SteerLab.Server.Data;

/// <summary>A judge's verdict on one answer and rubric item. Only <see cref="Status"/> "Scored" carries a
/// <see cref="Score"/>; every other status keeps the judge's raw text and why, and is counted, never averaged.</summary>
public sealed class RunJudgement
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public long AnswerId { get; set; }
    /// <summary>"behaviour" or "coherence" (SteerLab.Shared.Runs.RubricItems).</summary>
    public required string Item { get; set; }
    /// <summary>The judge's name ("classifier:r-vs-p", "model:llama", "openai:gpt-4o-mini@https://…").</summary>
    public required string Judge { get; set; }
    /// <summary>SteerLab.Engine.Evaluation.Judges.JudgementStatus as text.</summary>
    public required string Status { get; set; }
    /// <summary>0–10, set only when scored.</summary>
    public double? Score { get; set; }
    public required string RawText { get; set; }
    public string? Detail { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public DateTime CreatedAt { get; set; }
}
