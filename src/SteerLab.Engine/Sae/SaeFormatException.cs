namespace SteerLab.Engine.Sae;

/// <summary>An SAE file or folder that cannot be used; the message names the source and the problem.</summary>
public sealed class SaeFormatException(string source, string problem) : FormatException($"{source}: {problem}")
{
    public string SourcePath { get; } = source;
    public string Problem { get; } = problem;
}
