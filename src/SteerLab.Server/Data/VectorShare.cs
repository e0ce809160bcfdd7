namespace SteerLab.Server.Data;

/// <summary>A read-only share of a vector its team owns: with another team (<see cref="TeamId"/>) or by a link
/// (<see cref="LinkTokenHash"/>, the SHA-256 of the link's token; the token itself is shown once). Exactly one of the
/// two is set. Revoking sets <see cref="RevokedAt"/>; the row stays, so the owners see who had access until when.</summary>
public sealed class VectorShare
{
    public Guid Id { get; set; }
    public Guid VectorId { get; set; }
    /// <summary>The team it is shared with; null for a link.</summary>
    public Guid? TeamId { get; set; }
    /// <summary>Hex SHA-256 of the link's token; null for a team share.</summary>
    public string? LinkTokenHash { get; set; }
    /// <summary>The user who shared it.</summary>
    public Guid CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
