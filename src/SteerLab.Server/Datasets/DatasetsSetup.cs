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
        // Scoped: each request or circuit sees its caller's team (Accounts/TeamScope).
        services.AddScoped<DatasetService>();
        services.AddScoped<IDatasetService>(sp => sp.GetRequiredService<DatasetService>());
        // Run for each team by Accounts/DemoContentSeeder.
        services.AddScoped<BuiltInDatasetSeeder>();
        return services;
    }
}
