using SteerLab.Engine.Steering.Documents;
using static SteerLab.Engine.Tests.Malformed.MalformedBytes;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>steerlab.vector/1 documents, imported for a model with d_model 4 and 4 layers: JSON syntax, numbers no
/// float can hold, values and indices that disagree with what the document declares.</summary>
static class VectorDocumentCases
{
    static readonly VectorImportContext Model = new(ModelDModel: 4, ModelLayerCount: 4);

    /// <summary>A valid dense CAA document unless the arguments change it.</summary>
    public static string Dense(string values = "[0.5, -1, 0.25, 2]", string dModel = "4", string extra = "", string name = "\"happy\"") =>
        $$$"""
        {"format": "steerlab.vector/1", "id": "v1", "name": {{{name}}}, "method": "caa", {{{extra}}}
         "model": {"id": "tiny", "d_model": {{{dModel}}}}, "hook": {"name": "blocks.1.hook_resid_post", "layer": 1},
         "values": {{{values}}}, "created_at": "2026-01-01T00:00:00Z"}
        """;

    /// <summary>A valid sparse SAS document over an SAE of <paramref name="width"/> features.</summary>
    public static string Sparse(string indices = "[1, 5]", string values = "[0.5, -0.5]", string width = "16") =>
        $$$"""
        {"format": "steerlab.vector/1", "id": "v2", "name": "sparse", "method": "sas",
         "model": {"id": "tiny", "d_model": 4}, "hook": {"name": "blocks.1.hook_resid_post"},
         "sae": {"release": "tiny-sae", "id": "blocks.1", "width": {{{width}}}},
         "values": {"indices": {{{indices}}}, "values": {{{values}}}}}
        """;

    static MalformedCase Doc(string description, byte[] json, string problem) =>
        new("vector JSON", description, typeof(VectorImportException), problem,
            folder => { string path = Write(folder, "vector.json", json); return (path, path); },
            path => VectorDocumentReader.Read(path, Model));

    static MalformedCase Doc(string description, string json, string problem) => Doc(description, Utf8(json), problem);

    public static IEnumerable<MalformedCase> All() =>
    [
        Doc("JSON nested 10,000 deep", Dense(extra: $"\"parameters\": {{\"x\": {NestedArrays(10_000)}}},"), "not valid JSON"),
        Doc("NaN literal in values", Dense(values: "[0.5, NaN, 0.25, 2]"), "not valid JSON"),
        Doc("Infinity literal in values", Dense(values: "[0.5, -Infinity, 0.25, 2]"), "not valid JSON"),
        Doc("value 1e400", Dense(values: "[0.5, 1e400, 0.25, 2]"), "$.values[1]"),
        Doc("value beyond float32 (1e39)", Dense(values: "[0.5, 1e39, 0.25, 2]"), "$.values[1]: 1e39 is not a finite 32-bit number"),
        Doc("d_model 2^31-1 claimed, 4 values given", Dense(dModel: "2147483647"), "has 4 entries but d_model is 2147483647"),
        Doc("d_model 2^40", Dense(dModel: "1099511627776"), "$.model.d_model: must be an integer"),
        Doc("norm 1e400", Dense(extra: "\"norms\": {\"l2\": 1e400},"), "$.norms.l2"),
        Doc("parameter 1e400", Dense(extra: "\"parameters\": {\"tau\": 1e400},"), "$.parameters.tau"),
        Doc("sparse index out of range", Sparse(indices: "[1, 16]"), "$.values.indices[1]: 16 is outside [0, 16)"),
        Doc("sparse index 2^40", Sparse(indices: "[1, 1099511627776]"), "$.values.indices[1]: must be an integer"),
        Doc("duplicate sparse indices", Sparse(indices: "[5, 5]"), "$.values.indices[1]: 5 is not greater than the previous index 5"),
        Doc("more indices than values", Sparse(indices: "[1, 2, 3]"), "3 indices but 2 values"),
        Doc("SAE width 2^31", Sparse(width: "2147483648"), "$.sae.width: must be an integer"),
        Doc("invalid UTF-8 in the name", Splice(Dense(), "happy", InvalidUtf8), "$: not valid JSON: the document is not valid UTF-8"),
        Doc("truncated document", Dense()[..90], "not valid JSON"),
        Doc("UTF-16 document", [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes(Dense())], "not valid JSON"),
    ];
}
