namespace SteerLab.Server.Data;

/// <summary>A sparse autoencoder the workbench knows: its file, format, width and the hook it reads.</summary>
public sealed class SaeEntry
{
    public int Id { get; set; }
    /// <summary>File or folder relative to a model root.</summary>
    public required string Path { get; set; }
    /// <summary>"saelens", "gemma-scope-npz", "llama-scope", ...</summary>
    public required string Format { get; set; }
    public int Width { get; set; }
    /// <summary>TransformerLens hook name, e.g. "blocks.12.hook_resid_post".</summary>
    public required string Hook { get; set; }
    /// <summary>Hex SHA-256 of the weights, so a vector can check it is applied with the SAE it was built in.</summary>
    public string? Sha256 { get; set; }
    /// <summary>The model (by <see cref="ModelEntry.Path"/>) the SAE was trained on.</summary>
    public string? Model { get; set; }
    public DateTime AddedAt { get; set; }
}
