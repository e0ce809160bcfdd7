namespace SteerLab.Shared.Features;

/// <summary>Names of SAE features (DESIGN §4): typed by a person, or imported from a Neuronpedia-style explanations
/// export. An SAE is named as vectors name it, "{release}/{id}" (a vector's <c>sae</c>).</summary>
public interface IFeatureLabelService
{
    /// <summary>The largest export <see cref="ImportAsync"/> accepts, in bytes.</summary>
    long MaxImportBytes { get; }

    /// <summary>The labels of those of <paramref name="features"/> that have one, by feature index.</summary>
    Task<IReadOnlyDictionary<int, FeatureLabelView>> GetAsync(string saeId, IReadOnlyCollection<int> features, CancellationToken cancellationToken = default);

    /// <summary>Sets a person's label for a feature; an empty or blank label clears it. Returns the stored label (null
    /// when cleared). Throws <see cref="ArgumentException"/> for a label that is too long or a negative index.</summary>
    Task<FeatureLabelView?> SetAsync(string saeId, int feature, string? label, CancellationToken cancellationToken = default);

    /// <summary>Reads an explanations export and stores its labels. Never throws for a malformed file: the result lists
    /// every problem (and nothing is stored then).</summary>
    /// <param name="saeWidth">The SAE's number of features, when known: indices at or past it are problems.</param>
    /// <param name="overwriteUserLabels">Whether imported labels replace labels people typed (off by default: a
    /// person's label is deliberate, an export is bulk machine output).</param>
    Task<FeatureLabelImportResult> ImportAsync(string saeId, int? saeWidth, ReadOnlyMemory<byte> export, string source,
        bool overwriteUserLabels = false, CancellationToken cancellationToken = default);
}

/// <summary>One feature's label.</summary>
/// <param name="Source"><see cref="FeatureLabelSources.User"/> or <see cref="FeatureLabelSources.Import"/>.</param>
public sealed record FeatureLabelView(int Feature, string Label, string Source, DateTime UpdatedAt);

public static class FeatureLabelSources
{
    public const string User = "user";
    public const string Import = "import";
    /// <summary>The longest label stored (the database column's size).</summary>
    public const int MaxLabelLength = 500;
}

/// <summary>What an import did, or why it did nothing.</summary>
/// <param name="Items">Explanations read from the file.</param>
/// <param name="Added">Features that had no label before.</param>
/// <param name="Replaced">Features whose label was replaced (earlier imports, or people's labels when asked to).</param>
/// <param name="KeptUserLabels">Features whose person-typed label was kept instead of the imported one.</param>
/// <param name="Duplicates">Later explanations of a feature already explained earlier in the file (the first one is used;
/// exports often hold several explanations of one feature, from different explainer models).</param>
/// <param name="Problems">Why the file was refused, each naming the item and field; empty when it was imported.</param>
public sealed record FeatureLabelImportResult(
    int Items,
    int Added,
    int Replaced,
    int KeptUserLabels,
    int Duplicates,
    IReadOnlyList<FeatureLabelProblem> Problems)
{
    public bool Imported => Problems.Count == 0;

    public static FeatureLabelImportResult Refused(IReadOnlyList<FeatureLabelProblem> problems) => new(0, 0, 0, 0, 0, problems);
}

/// <param name="Path">Where: "$[3].index", "$" for the file as a whole.</param>
public sealed record FeatureLabelProblem(string Path, string Message);
