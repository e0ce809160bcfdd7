namespace SteerLab.Shared.Models;

/// <summary>Why a load or unload did not happen.</summary>
public enum ModelActionProblem
{
    /// <summary>The name is malformed or names no model under the roots.</summary>
    NotFound,
    /// <summary>Running jobs use the model (unload only).</summary>
    InUse,
    /// <summary>The in-process engine is off (<c>SteerLab:Engine:Mode</c> = workers).</summary>
    EngineOff,
    /// <summary>The model's files could not be loaded (the message says why).</summary>
    Failed,
}

/// <summary>The outcome of a load or unload, with a message for people ("Loaded …", or why not).</summary>
public sealed record ModelActionResult(bool Succeeded, string Message, ModelActionProblem? Problem = null)
{
    public static ModelActionResult Done(string message) => new(true, message);
    public static ModelActionResult Refused(ModelActionProblem problem, string message) => new(false, message, problem);
}
