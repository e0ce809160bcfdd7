namespace SteerLab.Engine.Models;

/// <summary>A model directory whose config.json or weights do not describe a model we can run.</summary>
public sealed class ModelConfigException(string message) : FormatException(message);
