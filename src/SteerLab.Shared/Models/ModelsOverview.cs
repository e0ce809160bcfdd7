using SteerLab.Shared.Engine;

namespace SteerLab.Shared.Models;

/// <summary>Everything the Models page shows.</summary>
/// <param name="CatalogueTruncated">The scan stopped at its limits; some models or SAEs are not listed.</param>
public sealed record ModelsOverview(
    IReadOnlyList<ModelRootView> Roots,
    IReadOnlyList<ModelView> Models,
    IReadOnlyList<SaeView> Saes,
    bool CatalogueTruncated,
    InProcessEngineView InProcess,
    IReadOnlyList<RemoteWorkerView> Workers)
{
    /// <summary>The caller may load and unload models (a server administrator: the engine's memory serves every team).
    /// The page hides the buttons otherwise; the server refuses anyway.</summary>
    public bool CanLoadModels { get; init; }
}

/// <summary>A configured model root.</summary>
/// <param name="IsBuiltInDemo">The root is the built-in demo folder (used when no <c>SteerLab:ModelRoots</c> are configured).</param>
public sealed record ModelRootView(string Folder, bool IsBuiltInDemo, bool Exists);

/// <summary>A model folder under a root.</summary>
/// <param name="Name">The name jobs use: the path relative to its root ("google/gemma-2-2b").</param>
/// <param name="WeightFileBytes">Size of its weight files on disk.</param>
/// <param name="Problem">Why it cannot be used (unreadable config, missing weights…); null when it can.</param>
public sealed record ModelView(
    string Name, string Root, string? Architecture, int? DModel, int? Layers, int? VocabSize, long? WeightFileBytes, string? Problem);

/// <summary>An SAE under a root, described from its config.</summary>
/// <param name="Format">"SAELens", "Gemma Scope" or "Llama Scope"; null when not recognised.</param>
/// <param name="Width">d_sae, its number of features.</param>
/// <param name="ModelName">The model its config says it was trained on, if it says.</param>
public sealed record SaeView(
    string Name, string Root, string? Format, string? Hook, int? DIn, int? Width, string? Activation, string? ModelName, string? Problem);

/// <summary>A model held in an engine's memory.</summary>
/// <param name="Name">Its name under the roots, or null when its folder is no longer listed there.</param>
/// <param name="Leases">Jobs using it now; it cannot be unloaded while this is above zero.</param>
public sealed record LoadedModelView(
    string? Name, string Folder, string Architecture, int DModel, int Layers, string WeightType, string Device, long WeightBytes,
    int Leases, DateTimeOffset LoadedAt, DateTimeOffset LastUsedAt);

/// <summary>The engine inside the server process.</summary>
/// <param name="Enabled">Jobs run on it (<c>SteerLab:Engine:Mode</c> is "in-process" or "both").</param>
/// <param name="KeepIdle">How many models nobody uses it keeps; loading one more unloads the least recently used.</param>
/// <param name="LoadingNow">The model it is loading right now, if any.</param>
public sealed record InProcessEngineView(
    bool Enabled, string Mode, EngineStatusReport Status, int KeepIdle, string? LoadingNow, IReadOnlyList<LoadedModelView> Loaded);

/// <summary>A remote worker connected to this server's engine hub.</summary>
/// <param name="Models">The models it registered (it can load them; it loads them when a job needs one).</param>
/// <param name="Busy">Jobs it is running now, out of <paramref name="Capacity"/>.</param>
public sealed record RemoteWorkerView(string WorkerId, string Name, int Capacity, int Busy, IReadOnlyList<string> Models);
