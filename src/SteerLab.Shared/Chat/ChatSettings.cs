using System.Text.Json;

namespace SteerLab.Shared.Chat;

/// <summary>A chat's steering and sampling setting: what a preset stores and what each saved chat and assistant turn
/// remembers. Serialized as versioned JSON (<see cref="ChatSettingsJson"/>).</summary>
/// <param name="Steering">The library vectors turned on, each with its λ, in order.</param>
/// <param name="DeltaCorrection">SAS vectors keep the SAE's reconstruction error (Δ).</param>
/// <param name="SteerAllPositions">Steer the prompt's positions too (otherwise only generated tokens).</param>
/// <param name="Sampling">How tokens are picked.</param>
public sealed record ChatSettings(IReadOnlyList<ChatSteering> Steering, bool DeltaCorrection, bool SteerAllPositions, ChatSampling Sampling)
{
    public const int MaxSteering = 16;

    public bool Equals(ChatSettings? other) => other is not null && Steering.SequenceEqual(other.Steering)
        && DeltaCorrection == other.DeltaCorrection && SteerAllPositions == other.SteerAllPositions && Sampling == other.Sampling;

    public override int GetHashCode() => HashCode.Combine(Steering.Count, DeltaCorrection, SteerAllPositions, Sampling);
}

/// <summary>A stored setting that cannot be read; the message names the JSON path and the problem.</summary>
public sealed class ChatSettingsFormatException(string source, string path, string problem)
    : Exception($"{source}: {path}: {problem}")
{
    public string Path { get; } = path;
}

/// <summary>The chat settings' JSON: <c>{"version":1,"steering":[{"vectorId":"…","lambda":4}],"deltaCorrection":true,
/// "steerAllPositions":false,"sampling":{"maxNewTokens":128,"temperature":0.7,"topP":0.95,"seed":1}}</c>. Parsing is
/// strict: unknown or missing properties, wrong types, other versions and out-of-range values are refused.</summary>
public static class ChatSettingsJson
{
    public const int Version = 1;
    /// <summary>The format's bound; the server's own limit (SteerLab:Limits:MaxNewTokens, at most this) is what a chat
    /// may actually ask for.</summary>
    public const int MaxNewTokensLimit = 32_768;

    public static string Serialize(ChatSettings settings) => JsonSerializer.Serialize(ToJsonObject(settings));

    /// <summary>The settings as a plain object, for embedding in another document.</summary>
    public static object ToJsonObject(ChatSettings settings) => new Dictionary<string, object>
    {
        ["version"] = Version,
        ["steering"] = settings.Steering.Select(s => new Dictionary<string, object> { ["vectorId"] = s.VectorId, ["lambda"] = s.Lambda }).ToList(),
        ["deltaCorrection"] = settings.DeltaCorrection,
        ["steerAllPositions"] = settings.SteerAllPositions,
        ["sampling"] = new Dictionary<string, object>
        {
            ["maxNewTokens"] = settings.Sampling.MaxNewTokens,
            ["temperature"] = settings.Sampling.Temperature,
            ["topP"] = settings.Sampling.TopP,
            ["seed"] = settings.Sampling.Seed,
        },
    };

    /// <exception cref="ChatSettingsFormatException">The JSON is not a valid version-1 setting.</exception>
    public static ChatSettings Parse(string json, string source)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ChatSettingsFormatException(source, "$", $"not JSON: {e.Message}"); }
        using (document) return Read(document.RootElement, source, "$");
    }

    /// <summary>Reads a settings object found at <paramref name="path"/> of a larger document.</summary>
    public static ChatSettings Read(JsonElement element, string source, string path)
    {
        var reader = new StrictObject(element, source, path, ["version", "steering", "deltaCorrection", "steerAllPositions", "sampling"]);
        int version = reader.Int("version");
        if (version != Version) throw new ChatSettingsFormatException(source, $"{path}.version", $"version {version} is not supported (this SteerLab reads version {Version})");
        var steeringArray = reader.Required("steering", JsonValueKind.Array);
        if (steeringArray.GetArrayLength() > ChatSettings.MaxSteering)
            throw new ChatSettingsFormatException(source, $"{path}.steering", $"at most {ChatSettings.MaxSteering} vectors, got {steeringArray.GetArrayLength()}");
        var steering = new List<ChatSteering>();
        int i = 0;
        foreach (var item in steeringArray.EnumerateArray())
        {
            var knob = new StrictObject(item, source, $"{path}.steering[{i++}]", ["vectorId", "lambda"]);
            var id = knob.Guid("vectorId");
            if (steering.Any(s => s.VectorId == id)) throw new ChatSettingsFormatException(source, knob.PathOf("vectorId"), $"vector {id} appears twice");
            steering.Add(new ChatSteering(id, knob.Double("lambda", -1000, 1000)));
        }
        var sampling = new StrictObject(reader.Required("sampling", JsonValueKind.Object), source, $"{path}.sampling", ["maxNewTokens", "temperature", "topP", "seed"]);
        return new ChatSettings(steering, reader.Bool("deltaCorrection"), reader.Bool("steerAllPositions"), new ChatSampling(
            (int)sampling.Double("maxNewTokens", 1, MaxNewTokensLimit, integer: true),
            sampling.Double("temperature", 0, 100),
            sampling.Double("topP", 0, 1, exclusiveMin: true),
            sampling.Long("seed")));
    }

    /// <summary>An object whose properties must be exactly the allowed ones.</summary>
    sealed class StrictObject
    {
        readonly JsonElement element;
        readonly string source, path;

        public StrictObject(JsonElement element, string source, string path, string[] allowed)
        {
            (this.element, this.source, this.path) = (element, source, path);
            if (element.ValueKind != JsonValueKind.Object) throw new ChatSettingsFormatException(source, path, $"must be an object, got {element.ValueKind}");
            foreach (var property in element.EnumerateObject())
                if (!allowed.Contains(property.Name)) throw new ChatSettingsFormatException(source, PathOf(property.Name), "unknown property");
        }

        public string PathOf(string name) => $"{path}.{name}";

        public JsonElement Required(string name, JsonValueKind kind)
        {
            if (!element.TryGetProperty(name, out var value)) throw new ChatSettingsFormatException(source, PathOf(name), "is missing");
            if (value.ValueKind != kind) throw new ChatSettingsFormatException(source, PathOf(name), $"must be {kind}, got {value.ValueKind}");
            return value;
        }

        public bool Bool(string name)
        {
            if (!element.TryGetProperty(name, out var value)) throw new ChatSettingsFormatException(source, PathOf(name), "is missing");
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ChatSettingsFormatException(source, PathOf(name), $"must be true or false, got {value.ValueKind}"),
            };
        }

        public int Int(string name) => Required(name, JsonValueKind.Number).TryGetInt32(out int v) ? v
            : throw new ChatSettingsFormatException(source, PathOf(name), "must be an integer");

        public long Long(string name) => Required(name, JsonValueKind.Number).TryGetInt64(out long v) ? v
            : throw new ChatSettingsFormatException(source, PathOf(name), "must be an integer");

        public double Double(string name, double min, double max, bool integer = false, bool exclusiveMin = false)
        {
            double v = Required(name, JsonValueKind.Number).GetDouble();
            if (!double.IsFinite(v) || v < min || (exclusiveMin && v == min) || v > max || (integer && v != Math.Floor(v)))
                throw new ChatSettingsFormatException(source, PathOf(name),
                    $"must be {(integer ? "an integer" : "a number")} in {(exclusiveMin ? "(" : "[")}{min}, {max}], got {v}");
            return v;
        }

        public Guid Guid(string name)
        {
            var value = Required(name, JsonValueKind.String);
            return System.Guid.TryParse(value.GetString(), out var id) ? id : throw new ChatSettingsFormatException(source, PathOf(name), $"'{value.GetString()}' is not a vector id");
        }
    }
}
