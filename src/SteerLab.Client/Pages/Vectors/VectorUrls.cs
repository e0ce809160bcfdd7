namespace SteerLab.Client.Pages.Vectors;

/// <summary>Where vector pages and downloads live. Relative to the document's base href ("/").</summary>
public static class VectorUrls
{
    public const string List = "vectors";

    public static string Detail(Guid id) => $"vectors/{id}";

    /// <summary>The Compare page with these vectors selected.</summary>
    public static string Compare(IEnumerable<Guid> ids) => $"compare?ids={string.Join(",", ids)}";

    /// <summary>The REST export, answered with Content-Disposition: attachment, so a plain link downloads the file
    /// without streaming it through the circuit.</summary>
    public static string Export(Guid id) => $"api/vectors/{id}/export";
}
