namespace SteerLab.Shared.Engine;

/// <summary>A snapshot of the engine's runtime.</summary>
/// <param name="Backend">The tensor library and its native build, e.g. "TorchSharp 0.107.0 · libtorch 2.10.0".</param>
/// <param name="Device">"cpu" or "cuda"; null when the engine could not be started.</param>
/// <param name="Threads">Intra-op CPU threads; null when the engine could not be started.</param>
/// <param name="ModelRoots">The folders models may be loaded from (configuration "SteerLab:ModelRoots").</param>
/// <param name="Error">Why the engine is not usable, in words a user can act on; null when it is.</param>
public sealed record EngineStatusReport(
    string Backend,
    string? Device,
    int? Threads,
    IReadOnlyList<string> ModelRoots,
    string? Error = null)
{
    public bool IsHealthy => Error is null;
}
