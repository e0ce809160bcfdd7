using SteerLab.Engine.Steering;

namespace SteerLab.Engine.Evaluation;

/// <summary>What an evaluation steers with: one or more vectors with their relative coefficients, and the λ grid that
/// scales them all together (as in <see cref="LambdaSweep"/>). Each vector gets its own grid because dense α and
/// sparse λ live on different scales.</summary>
public sealed record SteeringGrid(string Name, IReadOnlyList<SteeringKnob> Knobs, IReadOnlyList<double> Lambdas)
{
    public static SteeringGrid Of(SteeringVector vector, IReadOnlyList<double> lambdas) => new(vector.Name, [new SteeringKnob(vector, 1)], lambdas);

    public bool NeedsSae => Knobs.Any(k => k.Vector.IsSparse);

    /// <summary>The knobs at one λ (every coefficient multiplied by it).</summary>
    public IEnumerable<SteeringKnob> At(double lambda) => Knobs.Select(k => k with { Coefficient = k.Coefficient * lambda });

    public void Validate()
    {
        if (Knobs.Count == 0) throw new ArgumentException($"'{Name}': no vector to steer with");
        if (Lambdas.Count == 0) throw new ArgumentException($"'{Name}': the λ grid is empty");
        if (Lambdas.Any(l => !double.IsFinite(l))) throw new ArgumentException($"'{Name}': every λ must be finite");
        if (Lambdas.Distinct().Count() != Lambdas.Count) throw new ArgumentException($"'{Name}': the λ grid repeats a value");
    }
}
