using System.Text;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The vectors of an evaluation job ("sweep", "open-ended", "side-effects"), each parsed against the model with
/// its own λ grid, and the SAEs of the sparse ones loaded from under the model roots (once per folder, shared by the
/// vectors that name it). Dispose to free the SAEs.</summary>
sealed class JobVectors : IDisposable
{
    readonly Dictionary<string, SparseAutoencoder> saes;

    JobVectors(IReadOnlyList<JobVector> vectors, Dictionary<string, SparseAutoencoder> saes)
    {
        Vectors = vectors;
        this.saes = saes;
    }

    /// <summary>In the order of the job's parameters (a vector's index is its series).</summary>
    public IReadOnlyList<JobVector> Vectors { get; }

    /// <summary>One resolver for every sparse vector of the job (for runners that steer several grids with one
    /// resolver): a vector's <see cref="SteeringVector.Sae"/> reference leads to the SAE loaded for it. Null when every
    /// vector is dense.</summary>
    public Func<SaeReference, SparseAutoencoder>? SaeResolver()
    {
        var byReference = new Dictionary<SaeReference, SparseAutoencoder>();
        foreach (var v in Vectors)
            if (v.Sae is { } sae) byReference.TryAdd(v.Vector.Sae!, sae);
        return byReference.Count == 0 ? null : reference => byReference[reference];
    }

    /// <summary>Refuses a job without vectors or with an empty grid, before any model is loaded.</summary>
    /// <param name="job">"the sweep", "the open-ended job"… for the message.</param>
    public static void CheckGrids(SweepVectorParameters[]? vectors, string job)
    {
        if (vectors is not { Length: > 0 }) throw new ArgumentException($"{job} has no vectors");
        for (int i = 0; i < vectors.Length; i++)
        {
            if (vectors[i] is null) throw new ArgumentException($"vectors[{i}]: missing");
            if (vectors[i].Lambdas is not { Length: > 0 }) throw new ArgumentException($"vectors[{i}]: the λ grid is empty");
        }
    }

    /// <exception cref="ArgumentException">A document is malformed or does not fit the model, or a sparse vector names
    /// no SAE.</exception>
    public static JobVectors Read(SweepVectorParameters[] parameters, TransformerModel model, ModelRoots roots)
    {
        var saes = new Dictionary<string, SparseAutoencoder>(StringComparer.Ordinal);
        try
        {
            var vectors = parameters.Select((p, i) => ReadOne(p, i, model.Config.DModel, model.Config.LayerCount, roots, saes)).ToList();
            return new JobVectors(vectors, saes);
        }
        catch
        {
            foreach (var sae in saes.Values) sae.Dispose();
            throw;
        }
    }

    /// <summary>Parses one vector against the model, loading its SAE (once per folder) when it is sparse.</summary>
    static JobVector ReadOne(SweepVectorParameters parameters, int index, int dModel, int layers, ModelRoots roots,
        Dictionary<string, SparseAutoencoder> saes)
    {
        SparseAutoencoder? sae = null;
        if (parameters.Sae is { } saeName && !saes.TryGetValue(saeName, out sae))
        {
            sae = SaeLoader.Load(roots.ResolveSae(saeName), dModel, layers);
            saes[saeName] = sae;
        }
        SteeringVector vector;
        try
        {
            vector = VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(parameters.VectorDocument ?? ""), $"vectors[{index}]",
                new VectorImportContext(dModel, layers, sae?.DSae));
        }
        catch (VectorImportException e) { throw new ArgumentException(e.Message, e); }
        if (vector.IsSparse && sae is null) throw new ArgumentException($"vectors[{index}]: '{vector.Name}' is a sparse vector; name its SAE (a folder under the model roots)");
        return new JobVector(vector, vector.IsSparse ? sae : null, parameters);
    }

    public void Dispose()
    {
        foreach (var sae in saes.Values) sae.Dispose();
        saes.Clear();
    }
}

/// <summary>One vector of a job: the parsed vector, its SAE when sparse, and what the job asked of it (grid, library id).</summary>
sealed record JobVector(SteeringVector Vector, SparseAutoencoder? Sae, SweepVectorParameters Parameters)
{
    /// <summary>What the engine's runners ask to steer a sparse vector: this vector's own SAE (null for a dense vector).</summary>
    public Func<SaeReference, SparseAutoencoder>? SaeResolver => Sae is { } sae ? _ => sae : null;

    /// <summary>"caa", "sas"… as documents and results write the method.</summary>
    public string MethodName => VectorDocument.MethodName(Vector.Method);
}
