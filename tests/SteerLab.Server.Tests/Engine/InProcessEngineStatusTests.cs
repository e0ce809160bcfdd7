using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SteerLab.Server.Engine;

namespace SteerLab.Server.Tests.Engine;

public sealed class InProcessEngineStatusTests
{
    [Fact]
    public async Task Status_ReportsLibtorchDeviceAndThreadsWithTheConfiguredModelRoots()
    {
        var options = Options.Create(new SteerLabOptions { ModelRoots = ["/srv/models"] });
        var status = new InProcessEngineStatus(options, NullLogger<InProcessEngineStatus>.Instance);

        var report = await status.GetStatusAsync();

        Assert.Null(report.Error);
        Assert.StartsWith("TorchSharp 0.107.0 · libtorch ", report.Backend);
        Assert.Contains(report.Device, new[] { "cpu", "cuda" });
        Assert.True(report.Threads > 0, $"threads: {report.Threads}");
        Assert.Equal(["/srv/models"], report.ModelRoots);
    }
}
