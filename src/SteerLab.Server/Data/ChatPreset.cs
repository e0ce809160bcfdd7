namespace SteerLab.Server.Data;

/// <summary>A named steering setting for the chat (knobs with λ, Δ correction, positions, sampling), shared by
/// link: <c>/chat?preset={Id}</c>.</summary>
public sealed class ChatPreset
{
    public Guid Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public required string Model { get; set; }
    /// <summary>The knob setting as JSON (the chat page's own format, versioned inside the JSON).</summary>
    public required string SettingsJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
