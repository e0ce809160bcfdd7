namespace SteerLab.Server.Data;

/// <summary>A reviewer's own 0–10 score of one answer on one rubric item, given without seeing the judge's score.</summary>
public sealed class ReviewScore
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public long AnswerId { get; set; }
    /// <summary>"behaviour" or "coherence".</summary>
    public required string Item { get; set; }
    public Guid ReviewerId { get; set; }
    public int Score { get; set; }
    public DateTime CreatedAt { get; set; }
}
