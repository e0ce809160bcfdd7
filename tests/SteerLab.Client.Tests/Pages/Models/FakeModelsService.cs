using SteerLab.Shared.Engine;
using SteerLab.Shared.Models;

namespace SteerLab.Client.Tests.Pages.Models;

/// <summary>A models service over an overview the test sets; load and unload answer what the test says (or wait for
/// <see cref="PendingLoad"/> when it is set, to see the page while a load runs).</summary>
internal sealed class FakeModelsService : IModelsService
{
    public ModelsOverview Overview { get; set; } = Empty();
    public Func<string, ModelActionResult> OnLoad { get; set; } = model => ModelActionResult.Done($"Loaded {model}.");
    public Func<string, ModelActionResult> OnUnload { get; set; } = model => ModelActionResult.Done($"Unloaded {model}.");
    public TaskCompletionSource<ModelActionResult>? PendingLoad { get; set; }
    public List<string> Calls { get; } = [];

    public Task<ModelsOverview> GetOverviewAsync(CancellationToken cancellationToken = default) => Task.FromResult(Overview);

    public Task<ModelActionResult> LoadAsync(string model, CancellationToken cancellationToken = default)
    {
        Calls.Add($"load {model}");
        return PendingLoad?.Task ?? Task.FromResult(OnLoad(model));
    }

    public Task<ModelActionResult> UnloadAsync(string model, CancellationToken cancellationToken = default)
    {
        Calls.Add($"unload {model}");
        return Task.FromResult(OnUnload(model));
    }

    public static EngineStatusReport Cpu => new("TorchSharp 0.107.0 · libtorch 2.10.0", "cpu", 2, ["/app/demo"]);

    public static ModelsOverview Empty() => new([], [], [], false,
        new InProcessEngineView(true, "in-process", Cpu, 1, null, []), []) { CanLoadModels = true };

    public static LoadedModelView Held(string name, int leases) =>
        new(name, $"/app/demo/{name}", "Llama", 256, 4, "Float32", "cpu", 16_000_000, leases, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    public static ModelsOverview Demo(params LoadedModelView[] loaded) => new(
        [new ModelRootView("/app/demo", IsBuiltInDemo: true, Exists: true)],
        [
            new ModelView("steerlab-brown-demo", "/app/demo", "Llama", 256, 4, 512, 16_856_064, null),
            new ModelView("broken", "/app/demo", null, null, null, null, null, "/app/demo/broken/config.json: not valid JSON"),
        ],
        [new SaeView("sae", "/app/demo", "SAELens", "blocks.1.hook_resid_post", 256, 2048, "topk (k = 32)", "steerlab-brown-demo", null)],
        false,
        new InProcessEngineView(true, "in-process", Cpu, 1, null, loaded),
        [new RemoteWorkerView("gpu-box#abc", "gpu-box", 2, 1, ["google/gemma-2-2b", "stories260K"])]) { CanLoadModels = true };
}
