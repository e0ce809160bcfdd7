namespace SteerLab.Server.Data;

/// <summary>A person's (or an imported Neuronpedia-style export's) name for one feature of one SAE (DESIGN §4).</summary>
public sealed class FeatureLabel
{
    public long Id { get; set; }
    /// <summary>The team the row belongs to; only its members see it.</summary>
    public Guid TeamId { get; set; }
    /// <summary>The SAE as vectors name it: "{release}/{id}" of the vector document's <c>sae</c> (see
    /// <see cref="SteeringVectorEntity.SaeId"/>).</summary>
    public required string SaeId { get; set; }
    public int FeatureIndex { get; set; }
    public required string Label { get; set; }
    /// <summary>"user" when typed in the workbench, "import" when read from an explanations file.</summary>
    public required string Source { get; set; }
    public DateTime UpdatedAt { get; set; }
}
