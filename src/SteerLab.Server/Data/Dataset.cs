namespace SteerLab.Server.Data;

/// <summary>Contrastive prompt pairs (DESIGN §8), versioned by content hash: an edited upload is a new row.</summary>
public sealed class Dataset
{
    public Guid Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    /// <summary>Hex SHA-256 of the canonical pairs; vectors refer to datasets by it.</summary>
    public required string ContentHash { get; set; }
    public int PairCount { get; set; }
    /// <summary>The pairs as a JSON array.</summary>
    public required string PairsJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
