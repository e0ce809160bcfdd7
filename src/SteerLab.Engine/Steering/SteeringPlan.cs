using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering;

/// <summary>One vector turned on with a coefficient (λ for SAS, α for dense vectors).</summary>
public sealed record SteeringKnob(SteeringVector Vector, double Coefficient);

/// <summary>Composes any number of vectors into the hooks of one forward pass (DESIGN §5, Composition):
/// dense vectors at the same hook add up into one addition; SAS vectors at the same hook and SAE combine
/// into one code edit s = σ(c + Σλᵢvᵢ). Dispose after the generation that used the hooks.</summary>
public sealed class SteeringPlan : IDisposable
{
    readonly List<IDisposable> interventions = [];

    public HookSet Hooks { get; } = new();

    /// <param name="saes">The SAE each sparse vector refers to (keyed by <see cref="SaeReference.Id"/>).</param>
    public SteeringPlan(IEnumerable<SteeringKnob> knobs, Func<SaeReference, SparseAutoencoder>? saes = null,
        PositionScope scope = PositionScope.Generated, bool deltaCorrection = true, bool forceFullSasPath = false)
    {
        var active = knobs.Where(k => k.Coefficient != 0).ToList();
        foreach (var group in active.Where(k => !k.Vector.IsSparse).GroupBy(k => k.Vector.Hook))
        {
            int d = group.First().Vector.DModel;
            var sum = new float[d];
            foreach (var knob in group)
            {
                if (knob.Vector.DModel != d || knob.Vector.Dense!.Length != d)
                    throw new ArgumentException($"vectors at {group.Key} disagree on d_model ({d} vs {knob.Vector.Dense!.Length})");
                for (int i = 0; i < d; i++) sum[i] += (float)(knob.Coefficient * knob.Vector.Dense[i]);
            }
            var addition = new DenseAddition(tensor(sum));
            interventions.Add(addition);
            Hooks.Intervene(group.Key, addition.Apply, scope);
        }
        foreach (var group in active.Where(k => k.Vector.IsSparse).GroupBy(k => (k.Vector.Hook, k.Vector.Sae!.Id)))
        {
            if (saes is null) throw new ArgumentException("sparse vectors need their SAE");
            var sae = saes(group.First().Vector.Sae!);
            var combined = new float[sae.DSae];
            foreach (var knob in group)
            {
                var sparse = knob.Vector.Sparse!;
                if (sparse.Width != sae.DSae)
                    throw new ArgumentException($"vector '{knob.Vector.Name}' has width {sparse.Width} but SAE {knob.Vector.Sae!.Id} has {sae.DSae} features");
                for (int i = 0; i < sparse.Indices.Length; i++) combined[sparse.Indices[i]] += (float)(knob.Coefficient * sparse.Values[i]);
            }
            var edit = new SasIntervention(sae, SparseValues.FromDense(combined), deltaCorrection, forceFullSasPath);
            interventions.Add(edit);
            Hooks.Intervene(group.Key.Hook, edit.Apply, scope);
        }
    }

    public void Dispose()
    {
        foreach (var intervention in interventions) intervention.Dispose();
        interventions.Clear();
    }
}
