using System.Text;
using System.Text.Json.Nodes;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;

namespace SteerLab.Engine.Tests.Steering;

public class VectorDocumentTests
{
    internal static SteeringVector Dense() => new()
    {
        Id = "caa-happy-1", Name = "happy", Description = "happy vs sad openings", Behaviour = "happiness",
        Method = SteeringMethod.Caa, Hook = new HookPoint(2, HookKind.ResidPost), DModel = 4, Dense = [0.5f, -1.25f, 0f, 2f],
        ModelId = "stories260K", ModelRevision = "abc123", Dataset = new DatasetReference("happy-sad", "sha256:00ff", 12),
        Parameters = new Dictionary<string, object> { ["read_position"] = "answer_token" },
        CreatedBy = "ada", CreatedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
    };

    internal static SteeringVector Sparse() => Dense() with
    {
        Id = "sas-happy-1", Method = SteeringMethod.Sas, Dense = null,
        Sparse = new SparseValues([3, 17, 200], [1.5f, -0.25f, 4f], 512),
        Sae = new SaeReference("steerlab/stories260K", "blocks.2.hook_resid_post/topk16-w512", 512, "deadbeef"),
        Parameters = new Dictionary<string, object> { ["tau"] = 0.7, ["common_feature_removal"] = true, ["k"] = 16L },
    };

    static SteeringVector RoundTrip(SteeringVector v, VectorImportContext? context = null) =>
        VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(VectorDocument.ToJson(v)), "test.json", context);

    [Fact]
    public void DenseVector_RoundTripsExactly()
    {
        var original = Dense();
        var back = RoundTrip(original, new VectorImportContext(ModelDModel: 4, ModelLayerCount: 5));
        Assert.Equal(original.Dense, back.Dense);
        Assert.Equal(original with { Dense = back.Dense, Parameters = back.Parameters }, back);
        Assert.Equal("answer_token", back.Parameters["read_position"]);
    }

    [Fact]
    public void SparseVector_RoundTripsExactly()
    {
        var original = Sparse();
        var back = RoundTrip(original, new VectorImportContext(ModelDModel: 4, SaeWidth: 512));
        Assert.Equal(original.Sparse!.Indices, back.Sparse!.Indices);
        Assert.Equal(original.Sparse.Values, back.Sparse.Values);
        Assert.Equal(512, back.Sparse.Width);
        Assert.Equal(original.Sae, back.Sae);
        Assert.Equal(0.7, back.Parameters["tau"]);
        Assert.Equal(true, back.Parameters["common_feature_removal"]);
        Assert.Equal(16L, back.Parameters["k"]);
    }

    [Fact]
    public void ExportedDocument_HasTheDocumentedFields()
    {
        var json = JsonNode.Parse(VectorDocument.ToJson(Sparse()))!;
        Assert.Equal("steerlab.vector/1", (string?)json["format"]);
        Assert.Equal("sas", (string?)json["method"]);
        Assert.Equal("blocks.2.hook_resid_post", (string?)json["hook"]!["name"]);
        Assert.Equal(2, (int)json["hook"]!["layer"]!);
        Assert.Equal(4, (int)json["model"]!["d_model"]!);
        Assert.Equal(3, json["values"]!["indices"]!.AsArray().Count);
        Assert.Equal(3, (int)json["norms"]!["l0"]!);
        Assert.Equal(12, (int)json["dataset"]!["pair_count"]!);
        Assert.Equal("SteerLab", (string?)json["software"]!["name"]);
    }

    /// <summary>Each case edits a valid document and names the JSON path the importer must report.</summary>
    public static TheoryData<string, string, string> MalformedCases => new()
    {
        { "dense", "doc.Remove(\"format\")", "$.format" },
        { "dense", "doc[\"format\"] = \"steerlab.vector/2\"", "$.format" },
        { "dense", "doc[\"method\"] = \"pca\"", "$.method" },
        { "dense", "doc[\"method\"] = 3", "$.method" },
        { "dense", "doc[\"model\"]![\"d_model\"] = 0", "$.model.d_model" },
        { "dense", "doc[\"model\"]![\"d_model\"] = 5", "$.values" },
        { "dense", "doc[\"hook\"]![\"name\"] = \"blocks.2.attn.hook_z\"", "$.hook.name" },
        { "dense", "doc[\"hook\"]![\"layer\"] = 3", "$.hook.layer" },
        { "dense", "doc[\"values\"]![1] = \"x\"", "$.values[1]" },
        { "dense", "doc[\"values\"]![2] = 1e39", "$.values[2]" },
        { "dense", "doc[\"values\"] = 7", "$.values" },
        { "dense", "doc.Remove(\"values\")", "$.values" },
        { "dense", "doc[\"norms\"]![\"l2\"] = 99.0", "$.norms.l2" },
        { "dense", "doc[\"created_at\"] = \"yesterday\"", "$.created_at" },
        { "dense", "doc[\"parameters\"]![\"nested\"] = new JsonObject()", "$.parameters.nested" },
        { "dense", "doc[\"dataset\"]![\"pair_count\"] = -1", "$.dataset.pair_count" },
        { "dense", "doc.Remove(\"model\")", "$.model" },
        { "sparse", "doc[\"values\"]![\"indices\"]![1] = 600", "$.values.indices[1]" },
        { "sparse", "doc[\"values\"]![\"indices\"]![1] = 3", "$.values.indices[1]" },
        { "sparse", "doc[\"values\"]![\"indices\"]![0] = -1", "$.values.indices[0]" },
        { "sparse", "doc[\"values\"]![\"indices\"]![0] = 1.5", "$.values.indices[0]" },
        { "sparse", "doc[\"values\"]![\"values\"]!.AsArray().RemoveAt(0)", "$.values" },
        { "sparse", "doc[\"sae\"] = null", "$.sae" },
        { "sparse", "doc[\"sae\"]![\"width\"] = 0", "$.sae.width" },
        { "sparse", "doc[\"values\"] = new JsonArray(1, 2, 3, 4)", "$.values" },
        { "dense", "doc[\"values\"] = new JsonObject { [\"indices\"] = new JsonArray(0), [\"values\"] = new JsonArray(1) }", "$.values" },
    };

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void MalformedDocuments_AreRejectedWithTheJsonPathOfTheProblem(string kind, string edit, string expectedPath)
    {
        var doc = JsonNode.Parse(VectorDocument.ToJson(kind == "dense" ? Dense() : Sparse()))!.AsObject();
        Edits[edit](doc);
        var error = Assert.Throws<VectorImportException>(() =>
            VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(doc.ToJsonString()), "bad.json", new VectorImportContext(ModelDModel: 4, ModelLayerCount: 5)));
        Assert.Contains(error.Problems, p => p.Path == expectedPath);
        Assert.StartsWith("bad.json", error.Message);
    }

    static readonly Dictionary<string, Action<JsonObject>> Edits = new()
    {
        ["doc.Remove(\"format\")"] = d => d.Remove("format"),
        ["doc[\"format\"] = \"steerlab.vector/2\""] = d => d["format"] = "steerlab.vector/2",
        ["doc[\"method\"] = \"pca\""] = d => d["method"] = "pca",
        ["doc[\"method\"] = 3"] = d => d["method"] = 3,
        ["doc[\"model\"]![\"d_model\"] = 0"] = d => d["model"]!["d_model"] = 0,
        ["doc[\"model\"]![\"d_model\"] = 5"] = d => d["model"]!["d_model"] = 5,
        ["doc[\"hook\"]![\"name\"] = \"blocks.2.attn.hook_z\""] = d => d["hook"]!["name"] = "blocks.2.attn.hook_z",
        ["doc[\"hook\"]![\"layer\"] = 3"] = d => d["hook"]!["layer"] = 3,
        ["doc[\"values\"]![1] = \"x\""] = d => d["values"]![1] = "x",
        ["doc[\"values\"]![2] = 1e39"] = d => d["values"]![2] = 1e39,
        ["doc[\"values\"] = 7"] = d => d["values"] = 7,
        ["doc.Remove(\"values\")"] = d => d.Remove("values"),
        ["doc[\"norms\"]![\"l2\"] = 99.0"] = d => d["norms"]!["l2"] = 99.0,
        ["doc[\"created_at\"] = \"yesterday\""] = d => d["created_at"] = "yesterday",
        ["doc[\"parameters\"]![\"nested\"] = new JsonObject()"] = d => d["parameters"]!["nested"] = new JsonObject(),
        ["doc[\"dataset\"]![\"pair_count\"] = -1"] = d => d["dataset"]!["pair_count"] = -1,
        ["doc.Remove(\"model\")"] = d => d.Remove("model"),
        ["doc[\"values\"]![\"indices\"]![1] = 600"] = d => d["values"]!["indices"]![1] = 600,
        ["doc[\"values\"]![\"indices\"]![1] = 3"] = d => d["values"]!["indices"]![1] = 3,
        ["doc[\"values\"]![\"indices\"]![0] = -1"] = d => d["values"]!["indices"]![0] = -1,
        ["doc[\"values\"]![\"indices\"]![0] = 1.5"] = d => d["values"]!["indices"]![0] = 1.5,
        ["doc[\"values\"]![\"values\"]!.AsArray().RemoveAt(0)"] = d => d["values"]!["values"]!.AsArray().RemoveAt(0),
        ["doc[\"sae\"] = null"] = d => d["sae"] = null,
        ["doc[\"sae\"]![\"width\"] = 0"] = d => d["sae"]!["width"] = 0,
        ["doc[\"values\"] = new JsonArray(1, 2, 3, 4)"] = d => d["values"] = new JsonArray(1, 2, 3, 4),
        ["doc[\"values\"] = new JsonObject { [\"indices\"] = new JsonArray(0), [\"values\"] = new JsonArray(1) }"] = d => d["values"] = new JsonObject { ["indices"] = new JsonArray(0), ["values"] = new JsonArray(1) },
    };

    [Theory]
    [InlineData("not json at all", "$ (line 1)")]
    [InlineData("[1, 2, 3]", "$")]
    [InlineData("\"just a string\"", "$")]
    public void NonObjectDocuments_AreRejected(string text, string path)
    {
        var error = Assert.Throws<VectorImportException>(() => VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(text), "x.json"));
        Assert.Contains(error.Problems, p => p.Path == path);
    }

    [Fact]
    public void DeeplyNestedJson_IsRejectedWithoutCrashing()
    {
        string deep = "{\"parameters\": " + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.Throws<VectorImportException>(() => VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(deep), "deep.json"));
    }

    [Fact]
    public void AllProblemsAreReportedAtOnce()
    {
        var doc = JsonNode.Parse(VectorDocument.ToJson(Dense()))!.AsObject();
        doc["method"] = "pca";
        doc["values"]![0] = "x";
        doc["hook"]!["name"] = "nope";
        var error = Assert.Throws<VectorImportException>(() => VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(doc.ToJsonString()), "many.json"));
        Assert.Equal(["$.hook.name", "$.method", "$.values[0]"], error.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ModelMismatch_IsReported()
    {
        var error = Assert.Throws<VectorImportException>(() => RoundTrip(Dense(), new VectorImportContext(ModelDModel: 8)));
        Assert.Contains(error.Problems, p => p.Path == "$.model.d_model" && p.Message.Contains("8"));
        error = Assert.Throws<VectorImportException>(() => RoundTrip(Dense(), new VectorImportContext(ModelLayerCount: 2)));
        Assert.Contains(error.Problems, p => p.Path == "$.hook.name");
        error = Assert.Throws<VectorImportException>(() => RoundTrip(Sparse(), new VectorImportContext(SaeWidth: 1024)));
        Assert.Contains(error.Problems, p => p.Path == "$.sae.width");
    }
}
