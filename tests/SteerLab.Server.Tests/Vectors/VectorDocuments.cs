using System.Text;
using System.Text.Json.Nodes;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;

namespace SteerLab.Server.Tests.Vectors;

/// <summary>Vector documents for the library's tests, written by the engine itself (stories260K: d_model 64, 5 layers).</summary>
public static class VectorDocuments
{
    public const string Model = "stories260K";
    public const int DModel = 64;
    public static readonly DateTimeOffset CreatedAt = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static SteeringVector Dense(string name, SteeringMethod method = SteeringMethod.Caa, string hook = "blocks.2.hook_resid_post",
        string model = Model, int dModel = DModel, int seed = 1) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Name = name,
        Description = $"{name}, made for a test",
        Behaviour = "romance",
        Method = method,
        Parameters = new Dictionary<string, object> { ["read_position"] = "completion_mean", ["k"] = 16L },
        Hook = HookPoint.Parse(hook),
        DModel = dModel,
        Dense = Enumerable.Range(0, dModel).Select(i => (float)Math.Round(Math.Sin(i * 0.7 + seed), 4)).ToArray(),
        ModelId = model,
        ModelRevision = "rev-1",
        Dataset = new DatasetReference("romance-vs-press", new string('a', 64), 40),
        CreatedBy = "vector tests",
        CreatedAt = CreatedAt,
    };

    /// <summary>An SAS vector over a 256-feature SAE: feature 200 (+2), 17 (−1.25), 3 (+0.5).</summary>
    public static SteeringVector Sparse(string name, string hook = "blocks.2.hook_resid_post") => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Name = name,
        Description = "sparse, made for a test",
        Method = SteeringMethod.Sas,
        Parameters = new Dictionary<string, object> { ["tau"] = 0.7, ["common_feature_removal"] = true },
        Hook = HookPoint.Parse(hook),
        DModel = DModel,
        Sparse = new SparseValues([3, 17, 200], [0.5f, -1.25f, 2f], 256),
        Sae = new SaeReference("test-saes", hook, 256, new string('b', 64)),
        ModelId = Model,
        Dataset = new DatasetReference("romance-vs-press", new string('a', 64), 40),
        CreatedBy = "vector tests",
        CreatedAt = CreatedAt,
    };

    public static string Json(SteeringVector vector) => VectorDocument.ToJson(vector);

    /// <summary>A valid document of <paramref name="vector"/>, changed by <paramref name="edit"/>.</summary>
    public static string Edited(SteeringVector vector, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(Json(vector))!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

    /// <summary>The document exactly as the engine re-writes it after reading it: what the library stores.</summary>
    public static string AsTheEngineWritesIt(string json) =>
        VectorDocument.ToJson(VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(json), "test"));
}
