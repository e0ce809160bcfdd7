using Microsoft.Extensions.Logging.Abstractions;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Worker;
using SteerLab.Server.Engine;

namespace SteerLab.Server.Tests.Engine;

public sealed class InProcessEngineStatusTests
{
    [Fact]
    public async Task Status_ReportsLibtorchDeviceAndThreadsWithTheConfiguredModelRoots()
    {
        var roots = EngineSetup.EffectiveModelRoots(new SteerLabOptions { ModelRoots = ["/srv/models"] }, "/app");
        var status = new InProcessEngineStatus(roots, NullLogger<InProcessEngineStatus>.Instance);

        var report = await status.GetStatusAsync();

        Assert.Null(report.Error);
        Assert.StartsWith("TorchSharp 0.107.0 · libtorch ", report.Backend);
        Assert.Contains(report.Device, new[] { "cpu", "cuda" });
        Assert.True(report.Threads > 0, $"threads: {report.Threads}");
        Assert.Equal(["/srv/models"], report.ModelRoots);
    }

    [Fact]
    public void WithoutConfiguredRoots_TheBuiltInDemoIsTheModelRoot()
    {
        var roots = EngineSetup.EffectiveModelRoots(new SteerLabOptions(), "/app");
        Assert.Equal([Path.Combine(AppContext.BaseDirectory, DemoAssets.FolderName)], roots.Folders);
        Assert.Contains(DemoAssets.ModelName, roots.Discover());
        Assert.True(File.Exists(Path.Combine(roots.Resolve(DemoAssets.ModelName), "model.safetensors")));
    }
}
