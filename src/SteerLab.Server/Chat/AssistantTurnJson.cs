using System.Text.Json;
using SteerLab.Shared.Chat;

namespace SteerLab.Server.Chat;

/// <summary>What a saved assistant turn records beside its text (<see cref="ChatMessage.SteeringJson"/>):
/// <c>{"version":1,"settings":{…ChatSettingsJson…},"unsteeredReply":"…"|null}</c>. The unsteered answer of compare mode
/// lives here rather than as a turn, so the stored conversation is the steered one a model would continue.</summary>
static class AssistantTurnJson
{
    public static string Serialize(ChatSettings settings, string? unsteeredReply) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["version"] = ChatSettingsJson.Version,
        ["settings"] = ChatSettingsJson.ToJsonObject(settings),
        ["unsteeredReply"] = unsteeredReply,
    });

    /// <exception cref="ChatSettingsFormatException">The JSON is not a valid version-1 record.</exception>
    public static (ChatSettings Settings, string? UnsteeredReply) Parse(string json, string source)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ChatSettingsFormatException(source, "$", $"not JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ChatSettingsFormatException(source, "$", "must be an object");
            foreach (var property in root.EnumerateObject())
                if (property.Name is not ("version" or "settings" or "unsteeredReply")) throw new ChatSettingsFormatException(source, $"$.{property.Name}", "unknown property");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v != ChatSettingsJson.Version)
                throw new ChatSettingsFormatException(source, "$.version", $"must be {ChatSettingsJson.Version}");
            if (!root.TryGetProperty("settings", out var settings)) throw new ChatSettingsFormatException(source, "$.settings", "is missing");
            string? unsteered = null;
            if (root.TryGetProperty("unsteeredReply", out var reply) && reply.ValueKind != JsonValueKind.Null)
                unsteered = reply.ValueKind == JsonValueKind.String ? reply.GetString() : throw new ChatSettingsFormatException(source, "$.unsteeredReply", "must be a string or null");
            return (ChatSettingsJson.Read(settings, source, "$.settings"), unsteered);
        }
    }
}
