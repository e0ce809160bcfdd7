namespace SteerLab.Server.Data;

/// <summary>One turn of a <see cref="ChatSession"/>.</summary>
public sealed class ChatMessage
{
    public long Id { get; set; }
    public Guid SessionId { get; set; }
    public ChatSession? Session { get; set; }
    /// <summary>Order within the session, from 0.</summary>
    public int Index { get; set; }
    /// <summary>"system", "user" or "assistant".</summary>
    public required string Role { get; set; }
    public required string Content { get; set; }
    /// <summary>For an assistant turn: the steering it was generated with (JSON), so it can be reproduced.</summary>
    public string? SteeringJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
