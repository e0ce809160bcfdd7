namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>GPT-2's bytes_to_unicode: every byte as a printable character, so byte-level vocabularies can be stored as
/// text (space is 'Ġ', newline 'Ċ'). Printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards.</summary>
static class ByteLevelAlphabet
{
    public static readonly char[] CharOfByte = BuildCharOfByte();
    public static readonly Dictionary<char, byte> ByteOfChar = CharOfByte.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    static char[] BuildCharOfByte()
    {
        var chars = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            chars[b] = printable ? (char)b : (char)next++;
        }
        return chars;
    }

    /// <summary>The byte-level spelling of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Encode(string text) =>
        string.Create(System.Text.Encoding.UTF8.GetByteCount(text), text, (span, t) =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(t);
            for (int i = 0; i < bytes.Length; i++) span[i] = CharOfByte[bytes[i]];
        });

    /// <summary>Appends the bytes a byte-level token spells; characters outside the alphabet (only in added tokens
    /// written as plain text) are appended as their own UTF-8.</summary>
    public static void AppendBytes(string token, List<byte> bytes)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in token.EnumerateRunes())
        {
            if (rune.IsBmp && ByteOfChar.TryGetValue((char)rune.Value, out byte b)) bytes.Add(b);
            else bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
        }
    }
}
