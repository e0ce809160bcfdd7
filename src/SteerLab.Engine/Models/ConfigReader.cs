using System.Text.Json;

namespace SteerLab.Engine.Models;

/// <summary>Typed access to config.json keys with errors that name the file and the key.</summary>
sealed class ConfigReader(JsonElement root, string source)
{
    public string Source => source;

    public string Architectures()
    {
        if (root.ValueKind != JsonValueKind.Object) throw Error("the config must be a JSON object");
        if (root.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0
            && list[0].ValueKind == JsonValueKind.String)
            return Text(list[0], "architectures[0]");
        // Some configs name only model_type.
        return String("model_type", "") switch
        {
            "llama" => "LlamaForCausalLM",
            "gemma2" => "Gemma2ForCausalLM",
            "gpt2" => "GPT2LMHeadModel",
            var other => throw Error($"no 'architectures' list and model_type '{other}' is not recognised"),
        };
    }

    public int Int(string key, int? fallback = null)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            return fallback ?? throw Error($"missing required key '{key}'");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result))
            throw Error($"'{key}' must be an integer, found {value.GetRawText()}");
        return result;
    }

    public int? OptionalInt(string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? Int(key) : null;

    public IReadOnlyList<int> IntOrInts(string key)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind == JsonValueKind.Array)
            return value.EnumerateArray().Select((v, i) => v.TryGetInt32(out int id) ? id : throw Error($"'{key}[{i}]' must be an integer")).ToList();
        return [Int(key)];
    }

    public double Double(string key, double fallback)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind != JsonValueKind.Number) throw Error($"'{key}' must be a number, found {value.GetRawText()}");
        return value.GetDouble();
    }

    public double? OptionalDouble(string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? Double(key, 0) : null;

    public bool Bool(string key, bool fallback)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"'{key}' must be true or false"),
        };
    }

    public string String(string key, string fallback)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        return value.ValueKind == JsonValueKind.String ? Text(value, key) : throw Error($"'{key}' must be a string");
    }

    public Llama3RopeScaling? Llama3RopeScaling()
    {
        if (!root.TryGetProperty("rope_scaling", out var scaling) || scaling.ValueKind == JsonValueKind.Null) return null;
        var nested = new ConfigReader(scaling, source + " rope_scaling");
        string type = nested.String("rope_type", nested.String("type", ""));
        if (type != "llama3") throw Error($"rope_scaling type '{type}' is not supported (only 'llama3')");
        return new Llama3RopeScaling(nested.Double("factor", 8), nested.Double("low_freq_factor", 1),
            nested.Double("high_freq_factor", 4), nested.Int("original_max_position_embeddings", 8192));
    }

    // System.Text.Json checks UTF-8 only when a string is read, and then throws InvalidOperationException.
    string Text(JsonElement value, string key)
    {
        try { return value.GetString()!; }
        catch (InvalidOperationException) { throw Error($"'{key}' is not valid UTF-8"); }
    }

    ModelConfigException Error(string message) => new($"{source}: {message}");
}
