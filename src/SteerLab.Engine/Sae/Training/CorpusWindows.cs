using System.Text;

namespace SteerLab.Engine.Sae.Training;

/// <summary>A UTF-8 text corpus cut into fixed-length token windows, each BOS + (windowTokens − 1) tokens, for
/// SAE training. The file is read in bounded blocks (cut at a line break where one is near), so its size does not
/// bound memory; reading stops once <c>maxTokens</c> tokens are in windows.</summary>
public static class CorpusWindows
{
    const int BlockChars = 16 * 1024;

    /// <param name="encode">The model's tokenizer, without BOS (e.g. <c>text => tokenizer.Encode(text, addBos: false)</c>).</param>
    /// <param name="maxTokens">Stop after this many tokens (BOS included) are in windows.</param>
    public static IReadOnlyList<int[]> Read(string path, Func<string, IEnumerable<int>> encode, int bos, int windowTokens,
        long maxTokens, CancellationToken cancellation = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: corpus file not found", path);
        if (windowTokens < 3) throw new ArgumentException($"token windows need at least 3 tokens (BOS + 2), got {windowTokens}");
        if (maxTokens < windowTokens) throw new ArgumentException($"a token budget of {maxTokens} cannot hold one window of {windowTokens}");
        var windows = new List<int[]>();
        var current = new List<int>(windowTokens) { bos };
        long total = 0;
        try
        {
            foreach (string block in Blocks(path))
            {
                cancellation.ThrowIfCancellationRequested();
                foreach (int id in encode(block))
                {
                    current.Add(id);
                    if (current.Count < windowTokens) continue;
                    windows.Add([.. current]);
                    total += windowTokens;
                    if (total + windowTokens > maxTokens) return windows;
                    current.Clear();
                    current.Add(bos);
                }
            }
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: not valid UTF-8 text ({e.Message})", e);
        }
        if (current.Count >= 3) windows.Add([.. current]); // the tail, shorter than a window
        if (windows.Count == 0) throw new ArgumentException($"{path}: the corpus holds too little text for one token window");
        return windows;
    }

    /// <summary>Blocks of about <see cref="BlockChars"/> characters, each ending at a line break when there is one
    /// in the block's second half (so words are rarely cut); empty and whitespace-only blocks are skipped.</summary>
    static IEnumerable<string> Blocks(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var buffer = new char[BlockChars];
        var carry = new StringBuilder();
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            carry.Append(buffer, 0, read);
            string text = carry.ToString();
            int cut = text.LastIndexOf('\n');
            if (cut < text.Length / 2) cut = text.Length - 1; // no line break near the end: cut anywhere
            carry.Clear().Append(text, cut + 1, text.Length - cut - 1);
            string block = text[..(cut + 1)];
            if (!string.IsNullOrWhiteSpace(block)) yield return block;
        }
        if (carry.Length > 0 && !string.IsNullOrWhiteSpace(carry.ToString())) yield return carry.ToString();
    }
}
