namespace SteerLab.Server.Data;

/// <summary>A stored steering vector: the steerlab.vector/1 JSON document (DESIGN §7) as the source of truth, with
/// copies of the fields lists filter on.</summary>
public sealed class SteeringVectorEntity
{
    public Guid Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    /// <summary>"caa", "topk_enr", "sas", "sae_ts".</summary>
    public required string Method { get; set; }
    public required string Hook { get; set; }
    /// <summary>The model's id as the document records it.</summary>
    public required string Model { get; set; }
    public string? DatasetHash { get; set; }
    /// <summary>The SAE a sparse vector lives in (its release/id), null for dense vectors.</summary>
    public string? SaeId { get; set; }
    /// <summary>The whole steerlab.vector/1 document.</summary>
    public required string DocumentJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
