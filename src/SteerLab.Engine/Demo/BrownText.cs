using System.Text;
using System.Text.RegularExpressions;

namespace SteerLab.Engine.Demo;

/// <summary>The fifteen Brown Corpus genres, by the letter after the leading "c" of a file name.</summary>
public static class BrownGenres
{
    public static readonly IReadOnlyDictionary<char, string> Names = new Dictionary<char, string>
    {
        ['a'] = "press: reportage", ['b'] = "press: editorial", ['c'] = "press: reviews", ['d'] = "religion",
        ['e'] = "skill and hobbies", ['f'] = "popular lore", ['g'] = "belles-lettres", ['h'] = "miscellaneous: government",
        ['j'] = "learned", ['k'] = "general fiction", ['l'] = "mystery", ['m'] = "science fiction", ['n'] = "adventure",
        ['p'] = "romance", ['r'] = "humor",
    };
}

/// <summary>One Brown Corpus text with its part-of-speech tags stripped: paragraphs of sentences in plain English.</summary>
public sealed record BrownText(string Id, char Genre, int Number, IReadOnlyList<IReadOnlyList<string>> Paragraphs)
{
    static readonly Regex FileName = new(@"^c([a-r])(\d\d)$", RegexOptions.Compiled);
    const long MaxFileBytes = 1 << 20;

    public static bool IsTextFileName(string name) => FileName.IsMatch(name) && BrownGenres.Names.ContainsKey(name[1]);

    public IEnumerable<string> Sentences => Paragraphs.SelectMany(p => p);

    /// <summary>Paragraphs joined by line breaks, sentences within one by spaces.</summary>
    public string PlainText => string.Join("\n", Paragraphs.Select(p => string.Join(" ", p)));

    /// <exception cref="InvalidDataException">The file is not a tagged Brown text.</exception>
    public static BrownText Read(string path)
    {
        string name = Path.GetFileName(path);
        var match = FileName.Match(name);
        if (!match.Success || !BrownGenres.Names.ContainsKey(name[1])) throw new InvalidDataException($"{path}: not a Brown Corpus text file name (c + genre letter + two digits)");
        if (new FileInfo(path).Length > MaxFileBytes) throw new InvalidDataException($"{path}: larger than {MaxFileBytes >> 20} MiB, not a Brown text");
        var paragraphs = new List<IReadOnlyList<string>>();
        var current = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path, Encoding.Latin1))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                if (current.Count > 0) { paragraphs.Add(current); current = []; }
                continue;
            }
            // A paragraph's first sentence is indented by a tab; continuation sentences are not.
            if (line.StartsWith('\t') && current.Count > 0) { paragraphs.Add(current); current = []; }
            string sentence = Detokenize(line, path, lineNumber);
            if (sentence.Length > 0) current.Add(sentence);
        }
        if (current.Count > 0) paragraphs.Add(current);
        if (paragraphs.Count == 0) throw new InvalidDataException($"{path}: holds no sentences");
        return new BrownText(name, name[1], int.Parse(match.Groups[2].Value), paragraphs);
    }

    /// <summary>"The/at jury/nn said/vbd ``/`` no/at ''/'' ./." → "The jury said "no".": tags dropped, Brown's
    /// quote marks made plain, punctuation attached to its word.</summary>
    public static string Detokenize(string taggedLine, string source = "line", int lineNumber = 0)
    {
        var text = new StringBuilder();
        bool attachNext = true; // no space before the next word (start of line, after an opening bracket or quote)
        foreach (string token in taggedLine.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            int slash = token.LastIndexOf('/');
            if (slash <= 0) throw new InvalidDataException($"{source}:{lineNumber}: token '{token}' has no part-of-speech tag");
            string word = token[..slash];
            switch (word)
            {
                case "``":
                    Append(text, "\"", attachNext);
                    attachNext = true;
                    continue;
                case "''":
                    text.Append('"');
                    attachNext = false;
                    continue;
                case "," or "." or ";" or ":" or "?" or "!" or ")" or "'":
                    text.Append(word);
                    attachNext = false;
                    continue;
                case "(":
                    Append(text, word, attachNext);
                    attachNext = true;
                    continue;
            }
            Append(text, word, attachNext);
            attachNext = false;
        }
        return text.ToString().Trim();
    }

    static void Append(StringBuilder text, string word, bool attach)
    {
        if (!attach && text.Length > 0) text.Append(' ');
        text.Append(word);
    }
}
