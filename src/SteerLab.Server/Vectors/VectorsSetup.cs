using Microsoft.Extensions.Options;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Vectors;

/// <summary>Wires the vector library: its options, the service the pages and the API use, and the start-up seeding of
/// the built-in demo vectors.</summary>
public static class VectorsSetup
{
    public static IServiceCollection AddSteerLabVectors(this IServiceCollection services)
    {
        services.AddOptions<VectorLibraryOptions>().BindConfiguration(VectorLibraryOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VectorLibraryOptions>, VectorLibraryOptionsValidation>();
        services.AddSingleton<ImportModelShapes>();
        services.AddSingleton<VectorService>();
        services.AddSingleton<IVectorService>(sp => sp.GetRequiredService<VectorService>());
        services.AddSingleton<IVectorBuildService, VectorBuildService>();
        // A hosted service: must be registered after the database migrator (AddSteerLabDatabase), which it relies on.
        services.AddHostedService<DemoVectorSeeder>();
        return services;
    }
}
