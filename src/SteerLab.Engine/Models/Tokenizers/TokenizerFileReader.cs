using System.Text;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>Reads a tokenizer file whole, refusing one larger than <see cref="MaxBytes"/> before allocating for it
/// (DESIGN §9: no allocation sized by an untrusted file). Real tokenizers are far below the bound: Gemma's 256k-token
/// tokenizer.json is about 33 MB, GPT-2's vocab.json 1 MB, a SentencePiece tokenizer.model a few MB.</summary>
static class TokenizerFileReader
{
    public const long MaxBytes = 128L * 1024 * 1024;

    /// <exception cref="TokenizerFormatException">The file is larger than <see cref="MaxBytes"/>.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        // The length is checked first and the read is bounded as well: a device or a file growing meanwhile may have
        // more bytes than its length said.
        if (stream.CanSeek && stream.Length > MaxBytes) throw TooLarge(path, stream.Length);
        using var buffer = new MemoryStream(stream.CanSeek ? (int)stream.Length : 0);
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw TooLarge(path, null);
            buffer.Write(chunk, 0, read);
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>The file as UTF-8 text, refusing bytes that are not UTF-8.</summary>
    /// <exception cref="TokenizerFormatException">The file is too large or not valid UTF-8.</exception>
    public static string ReadAllText(string path)
    {
        byte[] bytes = ReadAllBytes(path);
        string text;
        try { text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw new TokenizerFormatException(path, "the whole file", "the file is not valid UTF-8"); }
        return text.StartsWith('\uFEFF') ? text[1..] : text; // some editors write a byte order mark
    }

    static TokenizerFormatException TooLarge(string path, long? length) =>
        new(path, "the whole file", $"{(length is { } bytes ? $"{bytes} bytes is" : "it is")} larger than the {MaxBytes} bytes a tokenizer file may have");
}
