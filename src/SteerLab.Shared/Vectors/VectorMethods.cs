namespace SteerLab.Shared.Vectors;

/// <summary>The steering methods a vector document names (DESIGN §5), as the document spells them, and how people
/// read them.</summary>
public static class VectorMethods
{
    public const string Caa = "caa";
    public const string TopKEnr = "topk_enr";
    public const string Sas = "sas";
    public const string SaeTs = "sae_ts";

    public static IReadOnlyList<string> All { get; } = [Caa, TopKEnr, Sas, SaeTs];

    public static bool IsKnown(string? method) => method is Caa or TopKEnr or Sas or SaeTs;

    public static string DisplayName(string method) => method switch
    {
        Caa => "CAA",
        TopKEnr => "Top-k ENR",
        Sas => "SAS",
        SaeTs => "SAE-TS",
        _ => method,
    };
}
