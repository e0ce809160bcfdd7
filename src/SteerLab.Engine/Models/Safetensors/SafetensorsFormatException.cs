namespace SteerLab.Engine.Models.Safetensors;

/// <summary>A safetensors file that cannot be read safely; the message names the file and the problem.</summary>
public sealed class SafetensorsFormatException(string path, string problem)
    : FormatException($"{path}: {problem}")
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
}
