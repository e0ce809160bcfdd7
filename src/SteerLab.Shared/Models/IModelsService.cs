namespace SteerLab.Shared.Models;

/// <summary>The Models page's view of the server: the configured model roots, the models and SAEs found under them,
/// and what each engine holds in memory; loading and unloading models on the server's in-process engine.</summary>
public interface IModelsService
{
    /// <summary>Scans the roots (configs only, no weights) and asks every engine what it holds. Problems with single
    /// entries are reported on those entries.</summary>
    Task<ModelsOverview> GetOverviewAsync(CancellationToken cancellationToken = default);

    /// <summary>Loads <paramref name="model"/> (a name relative to a model root) into the in-process engine ahead of the
    /// jobs that will use it; can take a while for big models. Failures come back in the result, not thrown.</summary>
    Task<ModelActionResult> LoadAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>Frees <paramref name="model"/> from the in-process engine; refused while a job uses it.</summary>
    Task<ModelActionResult> UnloadAsync(string model, CancellationToken cancellationToken = default);
}
