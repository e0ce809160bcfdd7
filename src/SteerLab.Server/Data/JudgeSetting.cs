namespace SteerLab.Server.Data;

/// <summary>A team's OpenAI-compatible judge endpoint (DESIGN §6, Judges). The API key is kept only as ASP.NET Data
/// Protection cipher text and never shown again.</summary>
public sealed class JudgeSetting
{
    public Guid Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    /// <summary>The endpoint's base URL, e.g. "https://api.openai.com/v1".</summary>
    public required string BaseUrl { get; set; }
    public required string Model { get; set; }
    /// <summary>The key protected with the purpose SteerLab.Server.Judges; null for endpoints without a key.</summary>
    public string? ProtectedApiKey { get; set; }
    public int MaxConcurrency { get; set; }
    public int TimeoutSeconds { get; set; }
    public int MaxRetries { get; set; }
    public double Temperature { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
