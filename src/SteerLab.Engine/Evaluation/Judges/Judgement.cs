namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>How a judgement ended. Only <see cref="Scored"/> carries a score; the others are counted and shown, never
/// averaged and never turned into a score (DESIGN §6).</summary>
public enum JudgementStatus
{
    /// <summary>The judge gave a score on the rubric's scale.</summary>
    Scored,
    /// <summary>The judge answered, but not with a bare number or <c>{"score": n}</c> (see <see cref="JudgeAnswerParser"/>),
    /// or (model judge) put too little probability on the score tokens to read a score from them.</summary>
    Unparseable,
    /// <summary>The judge answered with a number outside [0, 10].</summary>
    OutOfRange,
    /// <summary>The judgement could not be made: the judge's endpoint failed, timed out, or had nothing to score.</summary>
    Failed,
    /// <summary>This judge does not score this rubric item (e.g. a classifier judge with no model for coherence).</summary>
    NotAvailable,
}

/// <summary>What a judge is asked: score <see cref="Answer"/> (the model's reply to <see cref="Question"/>) on one
/// rubric item. <see cref="BehaviourDescription"/> is the user's description of the steered behaviour (used by the
/// behaviour item). <see cref="Seed"/> is passed to judges that sample (an HTTP judge's seed); null lets them choose.</summary>
public sealed record JudgeRequest(RubricItem Item, string Question, string Answer, string BehaviourDescription, long? Seed = null);

/// <summary>One judge's verdict on one answer and rubric item. <see cref="Score"/> is set only when
/// <see cref="Status"/> is <see cref="JudgementStatus.Scored"/>, and is then in [0, 10]. <see cref="RawText"/> is what
/// the judge said (an HTTP judge's reply, a model judge's score distribution, a classifier's raw statistic), kept for
/// display and audit; <see cref="Detail"/> says why a judgement is not scored. Token counts are what the judge
/// consumed (0 where not meaningful).</summary>
public sealed record Judgement(JudgementStatus Status, double? Score, string RawText, string? Detail = null,
    int PromptTokens = 0, int CompletionTokens = 0)
{
    public bool IsScored => Status == JudgementStatus.Scored;

    public static Judgement Scored(double score, string rawText, int promptTokens = 0, int completionTokens = 0)
    {
        if (!double.IsFinite(score) || !RubricScale.Contains(score))
            throw new ArgumentOutOfRangeException(nameof(score), score, $"a scored judgement is in [{RubricScale.Min}, {RubricScale.Max}]");
        return new(JudgementStatus.Scored, score, rawText, null, promptTokens, completionTokens);
    }

    public static Judgement NotScored(JudgementStatus status, string rawText, string detail, int promptTokens = 0, int completionTokens = 0)
    {
        if (status == JudgementStatus.Scored) throw new ArgumentException("use Judgement.Scored for a scored judgement");
        return new(status, null, rawText, detail, promptTokens, completionTokens);
    }

    /// <summary>A judge that threw: recorded with the exception's message, never as a score.</summary>
    public static Judgement FromException(Exception exception) =>
        NotScored(JudgementStatus.Failed, "", $"{exception.GetType().Name}: {exception.Message}");
}
