using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Datasets;

/// <summary>Wires datasets: their settings ("SteerLab:Datasets"), the service the pages and the REST API use, and the
/// built-in datasets added at start.</summary>
public static class DatasetsSetup
{
    public static IServiceCollection AddSteerLabDatasets(this IServiceCollection services)
    {
        services.AddOptions<DatasetOptions>().BindConfiguration(DatasetOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatasetOptions>, DatasetOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DatasetService>();
        services.AddSingleton<IDatasetService>(sp => sp.GetRequiredService<DatasetService>());
        // Must come after AddSteerLabDatabase: hosted services start in order, and the seeder needs the migrated schema.
        services.AddHostedService<BuiltInDatasetSeeder>();
        return services;
    }
}
