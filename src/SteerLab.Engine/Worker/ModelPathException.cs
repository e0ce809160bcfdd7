namespace SteerLab.Engine.Worker;

/// <summary>A model name that may not be used: malformed, not found under the model roots, or leading outside them
/// (through "..", an absolute path or a symbolic link). The message says which and names the model.</summary>
public sealed class ModelPathException(string message) : IOException(message);
