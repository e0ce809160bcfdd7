using System.Text;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>One hostile input for one parser. <see cref="Write"/> creates the file(s) in an empty folder and returns
/// what the parser is given (a file or a folder) and the file whose name the error must contain; <see cref="Parse"/>
/// runs the engine's public entry point on it (whatever it returns is disposed if it is disposable: a case that is
/// accepted fails the test). The refusal must be an <see cref="Expected"/> (the parser's typed format exception) whose
/// message contains the file name and <see cref="Problem"/>.</summary>
public sealed record MalformedCase(
    string Format,
    string Description,
    Type Expected,
    string Problem,
    Func<string, (string Input, string NamedFile)> Write,
    Func<string, object?> Parse)
{
    /// <summary>The theory row's name: "format: what is wrong".</summary>
    public string Name => $"{Format}: {Description}";

    public override string ToString() => Name;
}

/// <summary>Byte-level helpers the corpus files share.</summary>
static class MalformedBytes
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="name"/> in <paramref name="folder"/>; returns the path.</summary>
    public static string Write(string folder, string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Write(string folder, string name, string text) => Write(folder, name, Utf8(text));

    /// <summary>JSON arrays nested <paramref name="depth"/> deep: "[[[…]]]".</summary>
    public static string NestedArrays(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>The UTF-8 of <paramref name="text"/> with every occurrence of <paramref name="marker"/> replaced by raw
    /// <paramref name="replacement"/> bytes (how invalid UTF-8 gets into otherwise well-formed JSON).</summary>
    public static byte[] Splice(string text, string marker, byte[] replacement)
    {
        byte[] bytes = Utf8(text), needle = Utf8(marker);
        var result = new List<byte>(bytes.Length);
        for (int i = 0; i < bytes.Length;)
        {
            if (bytes.AsSpan(i).StartsWith(needle)) { result.AddRange(replacement); i += needle.Length; }
            else result.Add(bytes[i++]);
        }
        return result.ToArray();
    }

    /// <summary>Bytes that are not UTF-8: a lone continuation byte, an overlong '/', and a byte that never occurs.</summary>
    public static readonly byte[] InvalidUtf8 = [0x80, 0xC0, 0xAF, 0xFF];

    /// <summary>One line of <paramref name="length"/> filler characters (ASCII).</summary>
    public static string Filler(int length) => new('x', length);
}
