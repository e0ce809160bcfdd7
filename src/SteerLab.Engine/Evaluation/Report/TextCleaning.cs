using System.Text;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Model output can hold any character; the report's files cannot: XML (SVG) forbids most control characters
/// and lone surrogates, and a control character in HTML or Markdown is at best invisible.</summary>
public static class TextCleaning
{
    public static string WithoutInvalidXml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? clean = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool valid = c is '\t' or '\n' or '\r' || (c >= ' ' && c < '\uD800') || (c >= '\uE000' && c <= '\uFFFD')
                || (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                || (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]));
            if (valid) clean?.Append(c);
            else clean ??= new StringBuilder(text.Length).Append(text, 0, i);
        }
        return clean?.ToString() ?? text;
    }
}
