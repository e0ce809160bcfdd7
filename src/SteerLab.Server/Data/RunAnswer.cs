namespace SteerLab.Server.Data;

/// <summary>One generated answer of an open-ended run: the steered answer to a question at one λ of one vector's grid,
/// or (<see cref="Lambda"/> null) the unsteered answer at the same seed. Judges and reviewers score these rows.</summary>
public sealed class RunAnswer
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    /// <summary>The vector's position in the run's request (its series on the charts).</summary>
    public int Series { get; set; }
    public int QuestionIndex { get; set; }
    public required string Question { get; set; }
    /// <summary>The coefficient of the steered answer; null for the unsteered one.</summary>
    public double? Lambda { get; set; }
    public required string Text { get; set; }
    /// <summary>Why generation stopped ("stop", "length").</summary>
    public required string Finish { get; set; }
}
