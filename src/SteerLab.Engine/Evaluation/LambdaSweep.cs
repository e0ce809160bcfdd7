using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;

namespace SteerLab.Engine.Evaluation;

/// <summary>One point of an A/B sweep: the coefficient, mean p(matching) over n questions with a 95% interval,
/// and the per-question values (for paired comparisons between methods on the same questions).</summary>
public sealed record SweepPoint(double Lambda, double MeanProbability, int Count, double IntervalLow, double IntervalHigh,
    IReadOnlyList<double> PerQuestion);

/// <summary>How the sweep steers: <see cref="PositionScope.All"/> by default, because an A/B question is scored
/// from a prompt-only forward (see <see cref="AnswerProbability"/>); Δ correction for SAS as in the paper.</summary>
public sealed record SweepOptions
{
    public PositionScope Scope { get; init; } = PositionScope.All;
    public bool DeltaCorrection { get; init; } = true;
    public int BatchSize { get; init; } = 16;
    public int PadId { get; init; }
}

/// <summary>p(matching) as a function of the steering coefficient λ (α for dense vectors) over a grid
/// (DESIGN §6): at each λ every knob's coefficient is multiplied by λ and the questions are scored under the
/// resulting <see cref="SteeringPlan"/>; λ = 0 is the unsteered model.
/// <para>The interval is the normal approximation for a mean, mean ± 1.96·s/√n with the sample standard
/// deviation s (n − 1), clipped to [0, 1]. Wilson's interval is for proportions of 0/1 outcomes; these are
/// per-question probabilities, so the mean's own standard error is the right scale. With n &lt; 2 there is no
/// spread to estimate and the interval is the whole range [0, 1].</para></summary>
public static class LambdaSweep
{
    const double Z95 = 1.959963984540054;

    public static IReadOnlyList<SweepPoint> Run(TransformerModel model, IReadOnlyList<AbQuestion> questions, SteeringVector vector,
        IReadOnlyList<double> lambdas, Func<SaeReference, SparseAutoencoder>? saes = null, SweepOptions? options = null,
        IProgress<SweepPoint>? progress = null, CancellationToken cancellationToken = default) =>
        Run(model, questions, [new SteeringKnob(vector, 1)], lambdas, saes, options, progress, cancellationToken);

    /// <param name="knobs">The vectors and their relative coefficients; λ scales all of them together.</param>
    /// <param name="saes">Resolves the SAE of each sparse vector (required when any knob is sparse).</param>
    public static IReadOnlyList<SweepPoint> Run(TransformerModel model, IReadOnlyList<AbQuestion> questions, IReadOnlyList<SteeringKnob> knobs,
        IReadOnlyList<double> lambdas, Func<SaeReference, SparseAutoencoder>? saes = null, SweepOptions? options = null,
        IProgress<SweepPoint>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new SweepOptions();
        if (questions.Count == 0) throw new ArgumentException("a sweep needs at least one question");
        if (lambdas.Count == 0) throw new ArgumentException("a sweep needs at least one λ");
        if (lambdas.Any(l => !double.IsFinite(l))) throw new ArgumentException("every λ must be finite");
        if (knobs.Any(k => k.Vector.IsSparse) && saes is null) throw new ArgumentException("sparse vectors need an SAE resolver");

        var points = new List<SweepPoint>(lambdas.Count);
        foreach (double lambda in lambdas)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var plan = new SteeringPlan(knobs.Select(k => k with { Coefficient = k.Coefficient * lambda }), saes,
                options.Scope, options.DeltaCorrection);
            var perQuestion = AnswerProbability.PerQuestion(model, questions, plan.Hooks.IsEmpty ? null : plan.Hooks,
                options.BatchSize, options.PadId, cancellationToken);
            var (mean, low, high) = MeanWithInterval(perQuestion);
            var point = new SweepPoint(lambda, mean, perQuestion.Length, low, high, perQuestion);
            points.Add(point);
            progress?.Report(point);
        }
        return points;
    }

    /// <summary>Mean and 95% normal-approximation interval of values in [0, 1] (see the class remarks).</summary>
    public static (double Mean, double Low, double High) MeanWithInterval(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values");
        double mean = values.Average();
        if (values.Count < 2) return (mean, 0, 1);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        double half = Z95 * Math.Sqrt(variance / values.Count);
        return (mean, Math.Max(0, mean - half), Math.Min(1, mean + half));
    }
}
