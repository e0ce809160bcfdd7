using SteerLab.Shared.Engine;

namespace SteerLab.Client.Tests.Pages;

/// <summary>An engine that reports whatever the test tells it to.</summary>
internal sealed class FakeEngineStatus(EngineStatusReport report) : IEngineStatus
{
    public Task<EngineStatusReport> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(report);
}
