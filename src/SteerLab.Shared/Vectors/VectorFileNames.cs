using System.Text;

namespace SteerLab.Shared.Vectors;

/// <summary>The file name a vector downloads as: its name reduced to characters every file system accepts.</summary>
public static class VectorFileNames
{
    const int MaxStemLength = 80;

    /// <summary>"romance-vs-press CAA" → "romance-vs-press-CAA.json"; a name with nothing usable → "vector-&lt;id&gt;.json".</summary>
    public static string For(string name, Guid id)
    {
        var stem = new StringBuilder();
        foreach (char c in name)
        {
            bool safe = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
            if (safe) stem.Append(c);
            else if (stem.Length > 0 && stem[^1] != '-') stem.Append('-');
            if (stem.Length >= MaxStemLength) break;
        }
        string cleaned = stem.ToString().Trim('-', '.');
        return (cleaned.Length == 0 ? $"vector-{id:N}" : cleaned) + ".json";
    }
}
