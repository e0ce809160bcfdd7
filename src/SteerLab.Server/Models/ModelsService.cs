using System.Diagnostics;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Worker;
using SteerLab.Server.Accounts;
using SteerLab.Server.Engine.Workers;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Models;

namespace SteerLab.Server.Models;

/// <summary>The Models page's service: the catalogue under the model roots (<see cref="ModelCatalogue"/>), the
/// in-process engine's <see cref="LoadedModels"/>, and the remote workers connected to this instance. Every signed-in
/// member reads the overview; loading and unloading change the memory every team's jobs share, so only a server
/// administrator may (<see cref="TeamScope.RequireAdministratorAsync"/>).</summary>
public sealed class ModelsService(
    ModelRoots roots,
    LoadedModels loaded,
    ConnectedWorkers workers,
    IEngineStatus engineStatus,
    IOptions<SteerLabOptions> options,
    TeamScope scope,
    ILogger<ModelsService> logger) : IModelsService
{
    public async Task<ModelsOverview> GetOverviewAsync(CancellationToken cancellationToken = default)
    {
        // Walking the roots touches the file system (maybe a network share): off the caller's thread.
        var listing = await Task.Run(() => ModelCatalogue.Scan(roots), cancellationToken);
        var status = await engineStatus.GetStatusAsync(cancellationToken);
        string? demo = DemoAssets.FindFolder() is { } folder ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) : null;
        var rootViews = roots.Folders.Select(r => new ModelRootView(r, r == demo, Directory.Exists(r))).ToList();

        var models = listing.Models.Select(m => new ModelView(m.Name, m.Root, m.Architecture, m.DModel, m.LayerCount, m.VocabSize, m.WeightFileBytes, m.Problem)).ToList();
        var saes = listing.Saes.Select(s => new SaeView(s.Name, s.Root, s.Format is { } f ? FormatName(f) : null, s.Hook, s.DIn, s.Width, s.Activation, s.ModelName, s.Problem)).ToList();

        // Loaded models are keyed by folder; people know them by name.
        var nameByFolder = listing.Models.Where(m => m.Problem is null || m.Architecture is not null)
            .GroupBy(m => m.Folder, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        string? NameOf(string folder) => nameByFolder.GetValueOrDefault(folder);
        var held = loaded.Snapshot().Select(m => new LoadedModelView(NameOf(m.ModelDir), m.ModelDir, m.Architecture, m.DModel, m.LayerCount,
            m.WeightType, m.Device, m.WeightBytes, m.Leases, m.LoadedAt, m.LastUsedAt)).ToList();
        string? loadingNow = loaded.LoadingNow is { } dir ? NameOf(dir) ?? dir : null;
        var engine = options.Value.Engine;
        var inProcess = new InProcessEngineView(engine.RunsInProcess, engine.Mode, status, loaded.KeepIdle, loadingNow, held);

        var remote = workers.Snapshot().Select(w => new RemoteWorkerView(w.WorkerId, w.Name, w.Capacity, w.Busy,
            w.Models.Order(StringComparer.Ordinal).ToList())).ToList();
        return new ModelsOverview(rootViews, models, saes, listing.Truncated, inProcess, remote)
        {
            CanLoadModels = (await scope.FindAsync(cancellationToken))?.MayAdministerServer == true,
        };
    }

    public async Task<ModelActionResult> LoadAsync(string model, CancellationToken cancellationToken = default)
    {
        await scope.RequireAdministratorAsync("load models", cancellationToken);
        if (!options.Value.Engine.RunsInProcess)
            return ModelActionResult.Refused(ModelActionProblem.EngineOff,
                $"the in-process engine is off (SteerLab:Engine:Mode is '{options.Value.Engine.Mode}'): models are loaded by the remote workers when a job needs them");
        if (!roots.TryResolve(model, out string? dir, out string? problem))
            return ModelActionResult.Refused(ModelActionProblem.NotFound, problem!);
        var clock = Stopwatch.StartNew();
        try
        {
            // Loading a big model takes seconds to minutes: on a thread of its own, never the caller's.
            await Task.Factory.StartNew(() => loaded.Load(dir!, cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ModelActionResult.Refused(ModelActionProblem.Failed, $"could not load {model}: {e.Message}");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Loading {Model} failed", model);
            return ModelActionResult.Refused(ModelActionProblem.Failed, $"could not load {model}: {e.GetType().Name}: {e.Message}");
        }
        var info = loaded.Snapshot().FirstOrDefault(m => m.ModelDir == dir);
        string size = info is null ? "" : $", {FormatBytes(info.WeightBytes)} of {info.WeightType} weights";
        logger.LogInformation("Loaded {Model} into the in-process engine in {Seconds:0.0} s", model, clock.Elapsed.TotalSeconds);
        return ModelActionResult.Done($"Loaded {model} ({clock.Elapsed.TotalSeconds:0.0} s{size}).");
    }

    public async Task<ModelActionResult> UnloadAsync(string model, CancellationToken cancellationToken = default)
    {
        await scope.RequireAdministratorAsync("unload models", cancellationToken);
        if (!roots.TryResolve(model, out string? dir, out string? problem))
            return ModelActionResult.Refused(ModelActionProblem.NotFound, problem!);
        try
        {
            bool unloaded = loaded.Unload(dir!);
            if (unloaded) logger.LogInformation("Unloaded {Model} from the in-process engine", model);
            return ModelActionResult.Done(unloaded ? $"Unloaded {model}." : $"{model} was not loaded.");
        }
        catch (ModelInUseException e)
        {
            string jobs = e.Leases == 1 ? "1 running job uses it" : $"{e.Leases} running jobs use it";
            return ModelActionResult.Refused(ModelActionProblem.InUse,
                $"{model} cannot be unloaded now: {jobs}. Unload it once {(e.Leases == 1 ? "that job has" : "they have")} finished, or cancel {(e.Leases == 1 ? "it" : "them")}.");
        }
    }

    static string FormatName(SaeFileFormat format) => format switch
    {
        SaeFileFormat.GemmaScope => "Gemma Scope",
        SaeFileFormat.LlamaScope => "Llama Scope",
        _ => "SAELens",
    };

    static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        _ => $"{bytes / 1024.0:0.0} KiB",
    };
}
