using System.Globalization;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>Parses the header of a .npy file: a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c> padded with spaces and a newline.
/// Only the subset NumPy writes is accepted (quoted strings without escapes, True/False, tuples of
/// non-negative integers), and exactly the three keys NumPy requires; anything else is rejected with the
/// position of the problem. Never evaluates anything.</summary>
static class NpyHeaderParser
{
    /// <summary>Shapes with more dimensions than this are refused (NumPy's own limit is 64).</summary>
    public const int MaxDimensions = 64;

    public sealed record Fields(string Descr, bool FortranOrder, long[] Shape);

    public static Fields Parse(string text, string source)
    {
        var cursor = new Cursor(text, source);
        cursor.SkipSpaces();
        cursor.Expect('{');
        string? descr = null;
        bool? fortranOrder = null;
        long[]? shape = null;
        cursor.SkipSpaces();
        while (!cursor.TryConsume('}'))
        {
            int keyAt = cursor.Position;
            string key = cursor.ReadString();
            cursor.SkipSpaces();
            cursor.Expect(':');
            cursor.SkipSpaces();
            switch (key)
            {
                case "descr":
                    if (descr is not null) throw cursor.Fail(keyAt, "key 'descr' appears twice");
                    if (cursor.Peek() == '[') throw cursor.Fail(cursor.Position, "'descr' is a list: structured dtypes are not supported");
                    descr = cursor.ReadString();
                    break;
                case "fortran_order":
                    if (fortranOrder is not null) throw cursor.Fail(keyAt, "key 'fortran_order' appears twice");
                    fortranOrder = cursor.ReadBool();
                    break;
                case "shape":
                    if (shape is not null) throw cursor.Fail(keyAt, "key 'shape' appears twice");
                    shape = cursor.ReadShape();
                    break;
                default:
                    throw cursor.Fail(keyAt, $"unexpected key '{key}' (a .npy header has exactly 'descr', 'fortran_order' and 'shape')");
            }
            cursor.SkipSpaces();
            if (cursor.TryConsume(',')) { cursor.SkipSpaces(); continue; }
            cursor.SkipSpaces();
            cursor.Expect('}');
            break;
        }
        // NumPy pads with spaces and ends with '\n'; nothing else may follow the dict.
        for (int i = cursor.Position; i < text.Length; i++)
            if (text[i] is not (' ' or '\n' or '\t' or '\r' or '\0'))
                throw cursor.Fail(i, $"unexpected text after the header dict: '{Excerpt(text, i)}'");
        if (descr is null) throw new SaeFormatException(source, ".npy header has no 'descr'");
        if (fortranOrder is null) throw new SaeFormatException(source, ".npy header has no 'fortran_order'");
        if (shape is null) throw new SaeFormatException(source, ".npy header has no 'shape'");
        return new Fields(descr, fortranOrder.Value, shape);
    }

    static string Excerpt(string text, int at) => text.Substring(at, Math.Min(20, text.Length - at));

    sealed class Cursor(string text, string source)
    {
        public int Position { get; private set; }

        public char Peek() => Position < text.Length ? text[Position] : '\0';

        public SaeFormatException Fail(int at, string problem) =>
            new(source, $".npy header, character {at}: {problem}");

        public void SkipSpaces()
        {
            while (Position < text.Length && text[Position] is ' ' or '\t' or '\n' or '\r') Position++;
        }

        public bool TryConsume(char c)
        {
            if (Peek() != c || Position >= text.Length) return false;
            Position++;
            return true;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c))
                throw Fail(Position, Position >= text.Length ? $"expected '{c}' but the header ended" : $"expected '{c}' but found '{Excerpt(text, Position)}'");
        }

        public string ReadString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Fail(Position, $"expected a quoted string but found '{Excerpt(text, Position)}'");
            int start = ++Position;
            while (Position < text.Length && text[Position] != quote)
            {
                if (text[Position] == '\\') throw Fail(Position, "escape sequences are not supported in header strings");
                Position++;
            }
            if (Position >= text.Length) throw Fail(start - 1, "unterminated string");
            return text[start..Position++];
        }

        public bool ReadBool()
        {
            if (text.AsSpan(Position).StartsWith("True")) { Position += 4; return true; }
            if (text.AsSpan(Position).StartsWith("False")) { Position += 5; return false; }
            throw Fail(Position, $"'fortran_order' must be True or False, found '{Excerpt(text, Position)}'");
        }

        public long[] ReadShape()
        {
            if (!TryConsume('(')) throw Fail(Position, $"'shape' must be a tuple such as (3, 4), found '{Excerpt(text, Position)}'");
            var dims = new List<long>();
            SkipSpaces();
            while (!TryConsume(')'))
            {
                if (dims.Count == MaxDimensions) throw Fail(Position, $"shape has more than {MaxDimensions} dimensions");
                dims.Add(ReadDimension());
                SkipSpaces();
                if (TryConsume(',')) { SkipSpaces(); continue; }
                Expect(')');
                break;
            }
            return dims.ToArray();
        }

        long ReadDimension()
        {
            int start = Position;
            while (Position < text.Length && char.IsAsciiDigit(text[Position])) Position++;
            if (Position == start) throw Fail(start, $"shape entries must be non-negative integers, found '{Excerpt(text, start)}'");
            // Python 2 wrote long integers as 3L.
            string digits = text[start..Position];
            if (Position < text.Length && text[Position] == 'L') Position++;
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                throw Fail(start, $"shape entry {digits} is too large");
            return value;
        }
    }
}
