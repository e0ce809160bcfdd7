using System.Text;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>A job's steering knobs as a <see cref="SteeringPlan"/>: each vector document parsed and checked against the
/// model (and its SAE, loaded from under the model roots), composed into one set of hooks. Dispose after generating.</summary>
sealed class JobSteering : IDisposable
{
    readonly SteeringPlan plan;
    readonly List<SparseAutoencoder> saes;

    JobSteering(SteeringPlan plan, List<SparseAutoencoder> saes)
    {
        this.plan = plan;
        this.saes = saes;
    }

    public HookSet Hooks => plan.Hooks;

    /// <returns>Null when the job turns no vector on.</returns>
    /// <exception cref="ArgumentException">A document is malformed, does not fit the model, or its SAE is missing.</exception>
    public static JobSteering? Plan(GenerateJobParameters parameters, TransformerModel model, ModelRoots roots)
    {
        if (parameters.Steering is not { Length: > 0 } knobs) return null;
        var saes = new List<SparseAutoencoder>();
        var saeOfKnob = new Dictionary<SaeReference, SparseAutoencoder>();
        try
        {
            var steeringKnobs = new List<SteeringKnob>();
            for (int i = 0; i < knobs.Length; i++)
            {
                var knob = knobs[i];
                if (!double.IsFinite(knob.Lambda)) throw new ArgumentException($"steering[{i}]: λ must be a finite number");
                SparseAutoencoder? sae = null;
                if (knob.Sae is { } saeName)
                {
                    sae = SaeLoader.Load(roots.ResolveSae(saeName), model.Config.DModel, model.Config.LayerCount);
                    saes.Add(sae);
                }
                SteeringVector vector;
                try
                {
                    vector = VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(knob.VectorDocument), $"steering[{i}]",
                        new VectorImportContext(model.Config.DModel, model.Config.LayerCount, sae?.DSae));
                }
                catch (VectorImportException e) { throw new ArgumentException(e.Message, e); }
                if (vector.IsSparse)
                {
                    if (sae is null) throw new ArgumentException($"steering[{i}]: '{vector.Name}' is a sparse vector; name its SAE (a folder under the model roots)");
                    saeOfKnob[vector.Sae!] = sae;
                }
                steeringKnobs.Add(new SteeringKnob(vector, knob.Lambda));
            }
            var plan = new SteeringPlan(steeringKnobs, reference => saeOfKnob[reference],
                parameters.SteerPrompt ? PositionScope.All : PositionScope.Generated, parameters.DeltaCorrection);
            return new JobSteering(plan, saes);
        }
        catch
        {
            foreach (var sae in saes) sae.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        plan.Dispose();
        foreach (var sae in saes) sae.Dispose();
    }
}
