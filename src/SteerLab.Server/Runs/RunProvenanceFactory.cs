using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using SteerLab.Engine.Worker;
using SteerLab.Server.Vectors;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>What a run records about where its numbers come from (DESIGN §6, issue 7: "full provenance"): the model and
/// which weights, SteerLab's version, each vector's document hash (and its SAE's), each dataset's content hash and how
/// much of it is used, the grids, Δ, sampling and the judge's configuration — never a key. Where the job ran
/// (<see cref="RunProvenance.Engine"/>) is only known later and filled in when the run is shown.</summary>
public sealed class RunProvenanceFactory(ModelRoots modelRoots, TimeProvider time)
{
    /// <summary>The server assembly's informational version ("0.1.0+&lt;commit&gt;" when built from git).</summary>
    public static string SoftwareVersion { get; } =
        typeof(RunProvenanceFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public RunProvenance Create(string model, IReadOnlyList<LibraryVector> vectors, RunRequest request, IReadOnlyList<DatasetProvenance> datasets,
        SamplingProvenance? sampling, JudgeProvenance? judge) => new(
            model,
            ModelRevision(model, vectors),
            SoftwareVersion,
            vectors.Select(Of).ToList(),
            datasets,
            request.DenseLambdas ?? [],
            request.SparseLambdas ?? [],
            request.DeltaCorrection,
            sampling,
            judge,
            Engine: null,
            time.GetUtcNow().UtcDateTime);

    /// <summary>The revision the vectors recorded when they were built (the engine's model identity); when none did, the
    /// SHA-256 of the model's config.json as this server's model roots hold it ("config.json sha256:…"); null when the
    /// server cannot see the model (remote workers only). Vectors that recorded different revisions are all listed.</summary>
    public string? ModelRevision(string model, IReadOnlyList<LibraryVector> vectors)
    {
        var recorded = vectors.Select(v => v.Vector.ModelRevision).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
        if (recorded.Count > 0) return string.Join(", ", recorded);
        if (!modelRoots.TryResolve(model, out var folder, out _)) return null;
        string config = Path.Combine(folder!, "config.json");
        try { return $"config.json sha256:{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(config)))}"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>A vector as the run used it: the SHA-256 of its stored document (what the job carried) and, for vectors
    /// built in an SAE's feature space (SAS, SAE-TS), the SAE with the hash the document records.</summary>
    public static VectorProvenance Of(LibraryVector vector)
    {
        var sae = vector.Vector.Sae;
        string? saeId = vector.Entity.SaeId ?? (sae is null ? null : $"{sae.Release}/{sae.Id}");
        return new VectorProvenance(vector.Entity.Id, vector.Entity.Name, vector.Entity.Method, Sha256(vector.Entity.DocumentJson), saeId, sae?.Sha256);
    }

    /// <summary>Lower-case hex SHA-256 of the text's UTF-8 bytes.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
