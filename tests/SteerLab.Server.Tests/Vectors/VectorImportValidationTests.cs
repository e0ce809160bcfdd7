using System.Net;
using System.Text.Json.Nodes;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Vectors;

/// <summary>POST /api/vectors/import refuses a malformed document with 422, listing every problem at its JSON path,
/// and stores nothing.</summary>
public sealed class VectorImportValidationTests
{
    public static TheoryData<string, string, string[]> MalformedDocuments() => new()
    {
        { "not JSON", "{ \"format\": \"steerlab.vector/1\", ", ["$ (line 1)"] },
        { "a list, not an object", "[]", ["$"] },
        {
            "unknown method, bad hook, missing d_model, wrong format",
            VectorDocuments.Edited(VectorDocuments.Dense("v"), root =>
            {
                root["format"] = "steerlab.vector/2";
                root["method"] = "magic";
                root["hook"]!["name"] = "blocks.x.hook_resid_post";
                root["model"]!.AsObject().Remove("d_model");
            }),
            ["$.format", "$.method", "$.hook.name", "$.model.d_model"]
        },
        {
            "values that are not finite 32-bit numbers",
            VectorDocuments.Edited(VectorDocuments.Dense("v"), root =>
            {
                root["values"]![1] = "abc";
                root["values"]![3] = JsonNode.Parse("1e39");
                root["values"]![7] = null;
            }),
            ["$.values[1]", "$.values[3]", "$.values[7]"]
        },
        {
            "a d_model that matches neither the values nor the model (stories260K: 64)",
            VectorDocuments.Edited(VectorDocuments.Dense("v"), root => root["model"]!["d_model"] = 63),
            ["$.model.d_model", "$.values"]
        },
        {
            "norms that do not match the values",
            VectorDocuments.Edited(VectorDocuments.Dense("v"), root => { root["norms"]!["l2"] = 999; root["norms"]!["l0"] = 1; }),
            ["$.norms.l2", "$.norms.l0"]
        },
        {
            "sparse indices out of order and out of range, more indices than values",
            VectorDocuments.Edited(VectorDocuments.Sparse("v"), root =>
            {
                root["values"]!["indices"] = new JsonArray(5, 3, 300);
                root["values"]!["values"] = new JsonArray(0.5, 1.0);
            }),
            ["$.values.indices[1]", "$.values.indices[2]", "$.values"]
        },
        {
            "an SAS vector stored dense and without its SAE",
            VectorDocuments.Edited(VectorDocuments.Dense("v"), root => root["method"] = "sas"),
            ["$.values"]
        },
        {
            "a vector for stories260K that does not fit it (d_model 64, 5 layers)",
            VectorDocuments.Json(VectorDocuments.Dense("v", hook: "blocks.7.hook_resid_post", dModel: 32)),
            ["$.model.d_model", "$.hook.name"]
        },
        {
            "no name",
            VectorDocuments.Edited(VectorDocuments.Dense("v"), root => root["name"] = "  "),
            ["$.name"]
        },
    };

    [SkippableTheory]
    [MemberData(nameof(MalformedDocuments))]
    public async Task Import_RefusesAMalformedDocument_ListingEachProblemWithItsJsonPath(string kind, string json, string[] expectedPaths)
    {
        await using var server = VectorApi.NewServer();
        var api = new VectorApi(server.CreateClient());

        var (problems, count) = await api.ImportRefusedAsync(json, HttpStatusCode.UnprocessableEntity);

        var paths = problems.Select(p => p.Path.StartsWith("$ (line", StringComparison.Ordinal) ? "$ (line 1)" : p.Path).ToList();
        Assert.True(expectedPaths.Order().SequenceEqual(paths.Order()), $"{kind}: expected problems at [{string.Join(", ", expectedPaths)}], got {string.Join("; ", problems)}");
        Assert.Equal(problems.Count, count);
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Message)));
        Assert.Empty(await api.ListAsync());
    }

    [SkippableFact]
    public async Task Import_NamesTheModelsShapeWhenTheVectorDoesNotFitIt()
    {
        await using var server = VectorApi.NewServer();
        var api = new VectorApi(server.CreateClient());

        var (problems, _) = await api.ImportRefusedAsync(
            VectorDocuments.Json(VectorDocuments.Dense("v", hook: "blocks.7.hook_resid_post", dModel: 32)), HttpStatusCode.UnprocessableEntity);

        Assert.Contains(problems, p => p.Path == "$.model.d_model" && p.Message.Contains("does not match the model's d_model 64"));
        Assert.Contains(problems, p => p.Path == "$.hook.name" && p.Message.Contains("layer 7 does not exist in a model with 5 layers"));
    }
}
