namespace SteerLab.Shared.Engine;

/// <summary>What the engine the server talks to is running on. Implemented by the in-process engine now,
/// by the engine hub's view of remote workers later.</summary>
public interface IEngineStatus
{
    /// <summary>Reports the engine's backend, device and settings. A failure to reach or start the engine is
    /// reported in <see cref="EngineStatusReport.Error"/>, not thrown.</summary>
    Task<EngineStatusReport> GetStatusAsync(CancellationToken cancellationToken = default);
}
