using System.Text.Json;
using System.Text.Json.Serialization;

namespace SteerLab.Server.Runs;

/// <summary>How a run's stored JSON (<see cref="Data.EvaluationRun.RequestJson"/>, <see cref="Data.EvaluationRun.ProvenanceJson"/>)
/// and its JSON export are written: the REST API's conventions (camelCase, enums by name), so a stored request is the
/// body <c>POST /api/runs</c> takes and an export reads like the API's answers.</summary>
public static class RunJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        MaxDepth = 32,
    };

    /// <summary>The export is meant for people as well as programs.</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };
}
