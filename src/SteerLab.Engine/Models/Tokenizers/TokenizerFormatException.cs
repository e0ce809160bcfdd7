namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>A tokenizer file that is malformed or describes a tokenizer we cannot run. The message names the file and
/// where in it the problem is (a JSON path such as <c>$.model.merges[3]</c>, or a line number).</summary>
public sealed class TokenizerFormatException(string filePath, string location, string problem)
    : FormatException($"Tokenizer file '{filePath}' at {location}: {problem}")
{
    public string FilePath { get; } = filePath;
    public string Location { get; } = location;
}
