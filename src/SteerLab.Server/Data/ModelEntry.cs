namespace SteerLab.Server.Data;

/// <summary>A model the workbench knows: a folder under a model root and what its config says.</summary>
public sealed class ModelEntry
{
    public int Id { get; set; }
    /// <summary>Shown to people; unique.</summary>
    public required string Name { get; set; }
    /// <summary>The folder relative to a model root (the name jobs use), e.g. "google/gemma-2-2b".</summary>
    public required string Path { get; set; }
    /// <summary>"Llama", "Gemma2", "Gpt2".</summary>
    public required string Architecture { get; set; }
    public int DModel { get; set; }
    public int Layers { get; set; }
    public DateTime AddedAt { get; set; }
}
