using System.Globalization;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Pages.Vectors;

/// <summary>What the build dialog edits, with the checks it makes before asking the server (which checks again: model
/// and SAE folders exist only there). Defaults fit the built-in demo model and its SAE.</summary>
public sealed class VectorBuildSettings
{
    public const string DefaultModel = "steerlab-brown-demo";
    public const string DefaultSae = "sae";
    public const int MaxLayer = 1000;

    /// <summary>The hook kinds a vector can be read at, as TransformerLens names them.</summary>
    public static IReadOnlyList<string> HookKinds { get; } = ["hook_resid_pre", "hook_resid_post", "hook_attn_out", "hook_mlp_out"];

    public static IReadOnlyList<(string Value, string Label)> ReadPositions { get; } =
    [
        ("answer", "Answer token (A/B datasets)"),
        ("last-prompt", "Last prompt token"),
        ("completion-mean", "Mean over the completion (plain pairs)"),
    ];

    public Guid? DatasetId { get; set; }
    public string Model { get; set; } = DefaultModel;
    public string Method { get; set; } = VectorMethods.Caa;
    public int Layer { get; set; } = 1;
    public string HookKind { get; set; } = "hook_resid_post";
    public string ReadPosition { get; set; } = "completion-mean";
    /// <summary>DESIGN §5: the paper's range is 0.7–0.9.</summary>
    public double Tau { get; set; } = 0.7;
    public bool RemoveCommonFeatures { get; set; } = true;
    public int K { get; set; } = 64;
    public string Sae { get; set; } = DefaultSae;
    public string Name { get; set; } = "";

    public bool UsesSae => Method is VectorMethods.Sas or VectorMethods.SaeTs;
    public bool UsesK => Method == VectorMethods.TopKEnr;
    public string Hook => $"blocks.{Layer.ToString(CultureInfo.InvariantCulture)}.{HookKind}";

    /// <summary>A/B datasets are read at the answer letter; plain pairs over their completions.</summary>
    public void UseDataset(DatasetSummary dataset)
    {
        DatasetId = dataset.Id;
        ReadPosition = dataset.Kind == DatasetPairKind.AnswerChoice ? "answer" : "completion-mean";
    }

    /// <summary>Problems by field ("dataset", "model", "layer", "tau", "k", "sae", "name"); empty when the settings can be
    /// sent.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        if (DatasetId is null) errors["dataset"] = "Choose a dataset.";
        if (string.IsNullOrWhiteSpace(Model)) errors["model"] = "Name the model folder (relative to a model root).";
        if (!VectorMethods.IsKnown(Method)) errors["method"] = "Choose a method.";
        if (Layer is < 0 or > MaxLayer) errors["layer"] = $"The layer must be between 0 and {MaxLayer}.";
        if (!HookKinds.Contains(HookKind)) errors["hook"] = "Choose where in the block to read.";
        if (ReadPositions.All(p => p.Value != ReadPosition)) errors["readPosition"] = "Choose a read position.";
        if (UsesSae)
        {
            if (!(Tau > 0 && Tau <= 1)) errors["tau"] = "τ must be greater than 0 and at most 1.";
            if (string.IsNullOrWhiteSpace(Sae)) errors["sae"] = $"{VectorMethods.DisplayName(Method)} needs an SAE folder.";
        }
        if (UsesK && K < 1) errors["k"] = "k must be at least 1.";
        if (Name.Trim().Length > 200) errors["name"] = "At most 200 characters.";
        return errors;
    }

    public VectorBuildRequest ToRequest() => new(
        DatasetId ?? Guid.Empty, Model.Trim(), Method, Hook, ReadPosition, Tau, RemoveCommonFeatures, K,
        UsesSae ? Sae.Trim() : null, string.IsNullOrWhiteSpace(Name) ? null : Name.Trim());
}
