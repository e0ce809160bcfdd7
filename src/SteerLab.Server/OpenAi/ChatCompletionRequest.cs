using System.Text.Json;
using System.Text.Json.Serialization;

namespace SteerLab.Server.OpenAi;

/// <summary>The parts of OpenAI's chat-completions request SteerLab honours, plus the <c>steering</c> extension.</summary>
public sealed record ChatCompletionRequest
{
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("messages")] public List<ChatCompletionMessage>? Messages { get; init; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }
    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; init; }
    [JsonPropertyName("temperature")] public double? Temperature { get; init; }
    [JsonPropertyName("top_p")] public double? TopP { get; init; }
    [JsonPropertyName("seed")] public long? Seed { get; init; }
    [JsonPropertyName("stream")] public bool Stream { get; init; }
    [JsonPropertyName("n")] public int? N { get; init; }
    /// <summary>Return each output token's logprob (the model's raw distribution, temperature 1).</summary>
    [JsonPropertyName("logprobs")] public bool? Logprobs { get; init; }
    /// <summary>0–20 most likely alternatives per token; needs <see cref="Logprobs"/>.</summary>
    [JsonPropertyName("top_logprobs")] public int? TopLogprobs { get; init; }
    /// <summary>SteerLab's extension: vectors from the library, each with its coefficient.</summary>
    [JsonPropertyName("steering")] public List<SteeringExtension>? Steering { get; init; }
    /// <summary>SteerLab's extension: "generated" (default) or "all" (the prompt too).</summary>
    [JsonPropertyName("steering_positions")] public string? SteeringPositions { get; init; }
}

/// <summary>A message; <c>content</c> is a string or an array of parts, of which only text parts are accepted.</summary>
public sealed record ChatCompletionMessage
{
    [JsonPropertyName("role")] public string? Role { get; init; }
    [JsonPropertyName("content")] public JsonElement Content { get; init; }

    /// <summary>The text, or null when the content is neither a string nor text parts.</summary>
    public string? Text()
    {
        if (Content.ValueKind == JsonValueKind.String) return Content.GetString();
        if (Content.ValueKind != JsonValueKind.Array) return null;
        var text = new System.Text.StringBuilder();
        foreach (var part in Content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.GetString() != "text"
                || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String) return null;
            text.Append(value.GetString());
        }
        return text.ToString();
    }
}

public sealed record SteeringExtension
{
    [JsonPropertyName("vector_id")] public Guid VectorId { get; init; }
    [JsonPropertyName("lambda")] public double Lambda { get; init; }
}
