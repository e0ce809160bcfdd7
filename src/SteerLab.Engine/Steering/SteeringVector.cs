using SteerLab.Engine.Hooks;

namespace SteerLab.Engine.Steering;

/// <summary>How a vector was made. CAA and top-k ENR are dense (residual-stream) vectors; SAS is sparse in an
/// SAE's feature space; SAE-TS is a dense vector targeted at one SAE feature.</summary>
public enum SteeringMethod { Caa, TopKEnr, Sas, SaeTs }

/// <summary>A sparse vector over an SAE's features: sorted distinct indices in [0, Width) and their values.</summary>
public sealed record SparseValues(int[] Indices, float[] Values, int Width)
{
    public int Support => Indices.Length;
    public IEnumerable<int> PositiveSupport => Indices.Where((_, i) => Values[i] > 0);
    public IEnumerable<int> NegativeSupport => Indices.Where((_, i) => Values[i] < 0);

    public static SparseValues FromDense(float[] dense) =>
        new(Enumerable.Range(0, dense.Length).Where(i => dense[i] != 0).ToArray(), dense.Where(v => v != 0).ToArray(), dense.Length);

    public float[] ToDense()
    {
        var dense = new float[Width];
        for (int i = 0; i < Indices.Length; i++) dense[Indices[i]] = Values[i];
        return dense;
    }
}

/// <summary>Which SAE a sparse vector lives in (enough to find it again and to check it is the same one).</summary>
public sealed record SaeReference(string Release, string Id, int Width, string? Sha256);

/// <summary>Where a vector's examples came from.</summary>
public sealed record DatasetReference(string Name, string ContentHash, int PairCount);

/// <summary>A steering vector: dense values over d_model or sparse values over an SAE's features, the hook point
/// it applies at, and how it was made. Exactly one of <see cref="Dense"/> and <see cref="Sparse"/> is set.</summary>
public sealed record SteeringVector
{
    public string Id { get; init; } = Guid.NewGuid().ToString("N");
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public string Behaviour { get; init; } = "";
    public required SteeringMethod Method { get; init; }
    /// <summary>Method parameters: tau, k, common_feature_removal, beta, target_feature, read_position, ...</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; init; } = new Dictionary<string, object>();
    public required HookPoint Hook { get; init; }
    public required int DModel { get; init; }
    public float[]? Dense { get; init; }
    public SparseValues? Sparse { get; init; }
    public SaeReference? Sae { get; init; }
    public string ModelId { get; init; } = "";
    public string? ModelRevision { get; init; }
    public DatasetReference? Dataset { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public bool IsSparse => Sparse is not null;

    public double L2Norm => Math.Sqrt((Dense ?? Sparse!.Values).Sum(v => (double)v * v));
    public double L1Norm => (Dense ?? Sparse!.Values).Sum(v => Math.Abs((double)v));
    /// <summary>Number of non-zero entries.</summary>
    public int L0 => (Dense ?? Sparse!.Values).Count(v => v != 0);
}
