using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Generation;

namespace SteerLab.Engine.Evaluation.OpenEnded;

/// <summary>One generated answer with its judgements on both rubric items. <see cref="Text"/> is the decoded new tokens as
/// generated (not trimmed: in raw-prompt mode it continues the prompt mid-sentence).</summary>
public sealed record JudgedAnswer(string Text, IReadOnlyList<int> NewIds, FinishReason Finish, Judgement Behaviour, Judgement Coherence)
{
    /// <summary>behaviour/10 · coherence/10 when both are scored (the SAE-TS trade-off of this answer), else null.</summary>
    public double? Product => Behaviour is { IsScored: true, Score: double b } && Coherence is { IsScored: true, Score: double c } ? RubricScale.Normalise(b) * RubricScale.Normalise(c) : null;
}

/// <summary>One question at one λ: the steered answer and the unsteered answer at the same seed. The unsteered answer does
/// not depend on λ, so it is generated and judged once per question and the same object appears at every λ.</summary>
public sealed record OpenEndedItem(int QuestionIndex, string Question, double Lambda, JudgedAnswer Steered, JudgedAnswer Unsteered);

/// <summary>Judgements that were not scored, by status: excluded from the means and shown beside them.</summary>
public sealed record ExcludedCounts(int Unparseable, int OutOfRange, int Failed, int NotAvailable)
{
    public static ExcludedCounts None { get; } = new(0, 0, 0, 0);
    public int Total => Unparseable + OutOfRange + Failed + NotAvailable;

    public ExcludedCounts Add(JudgementStatus status) => status switch
    {
        JudgementStatus.Unparseable => this with { Unparseable = Unparseable + 1 },
        JudgementStatus.OutOfRange => this with { OutOfRange = OutOfRange + 1 },
        JudgementStatus.Failed => this with { Failed = Failed + 1 },
        JudgementStatus.NotAvailable => this with { NotAvailable = NotAvailable + 1 },
        _ => throw new ArgumentException("a scored judgement is not excluded"),
    };
}

/// <summary>The mean of one rubric item (or of the product) on the rescaled [0, 1] scale, with its 95% interval
/// (<see cref="LambdaSweep.MeanWithInterval"/>: mean ± 1.96·s/√n clipped to [0, 1]; [0, 1] with one value) over the
/// <see cref="Scored"/> answers; null when none was scored.</summary>
public sealed record ScoreSummary(double? Mean, double? Low, double? High, int Scored, ExcludedCounts Excluded)
{
    /// <param name="values">Rescaled scores of the scored answers.</param>
    public static ScoreSummary Of(IReadOnlyList<double> values, ExcludedCounts excluded)
    {
        if (values.Count == 0) return new ScoreSummary(null, null, null, 0, excluded);
        var (mean, low, high) = LambdaSweep.MeanWithInterval(values);
        return new ScoreSummary(mean, low, high, values.Count, excluded);
    }

    /// <summary>Summary of one rubric item over answers.</summary>
    public static ScoreSummary OfItem(IEnumerable<Judgement> judgements)
    {
        var values = new List<double>();
        var excluded = ExcludedCounts.None;
        foreach (var judgement in judgements)
        {
            if (judgement is { IsScored: true, Score: double score }) values.Add(RubricScale.Normalise(score));
            else excluded = excluded.Add(judgement.Status);
        }
        return Of(values, excluded);
    }

    /// <summary>Summary of the product over answers; an answer missing either score is excluded under the status of the
    /// first one missing (behaviour before coherence).</summary>
    public static ScoreSummary OfProduct(IEnumerable<JudgedAnswer> answers)
    {
        var values = new List<double>();
        var excluded = ExcludedCounts.None;
        foreach (var answer in answers)
        {
            if (answer.Product is double product) values.Add(product);
            else excluded = excluded.Add(answer.Behaviour.IsScored ? answer.Coherence.Status : answer.Behaviour.Status);
        }
        return Of(values, excluded);
    }
}

/// <summary>The chart values at one λ (or for the unsteered answers): mean behaviour, coherence and their product.</summary>
public sealed record OpenEndedPoint(double Lambda, ScoreSummary Behaviour, ScoreSummary Coherence, ScoreSummary Product)
{
    public static OpenEndedPoint Of(double lambda, IReadOnlyList<JudgedAnswer> answers) =>
        new(lambda, ScoreSummary.OfItem(answers.Select(a => a.Behaviour)), ScoreSummary.OfItem(answers.Select(a => a.Coherence)),
            ScoreSummary.OfProduct(answers));
}

/// <summary>A finished open-ended run: per-λ points for the charts (<see cref="Points"/>, in the grid's order), the
/// unsteered baseline (<see cref="Unsteered"/>, its λ is 0), and every (question, λ) item with texts and judgements.</summary>
public sealed record OpenEndedReport(string Grid, string Judge, string BehaviourDescription, int QuestionCount,
    OpenEndedPoint Unsteered, IReadOnlyList<OpenEndedPoint> Points, IReadOnlyList<OpenEndedItem> Items);

/// <summary>Progress of a run in answers judged (<see cref="Done"/> of <see cref="Total"/> = questions × (grid size + 1)).</summary>
public sealed record OpenEndedProgress(int Done, int Total, string Stage);
