namespace SteerLab.Server.Data;

/// <summary>A conversation with a model, with the steering and sampling settings it uses.</summary>
public sealed class ChatSession
{
    public Guid Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    public string Title { get; set; } = "";
    public required string Model { get; set; }
    /// <summary>Knobs (vector ids and λ), Δ correction, positions and sampling, as JSON.</summary>
    public string SettingsJson { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<ChatMessage> Messages { get; set; } = [];
}
