using System.Text.Json;

namespace SteerLab.Engine.Worker;

/// <summary>How job parameters and results are written as JSON: camelCase (as the REST API and SignalR write them),
/// and unknown properties are errors rather than silently ignored.</summary>
public static class EngineJobJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 16,
    };
}
