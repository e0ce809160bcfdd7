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
        // Scoped: each request or circuit sees its caller's team (Accounts/TeamScope).
        services.AddScoped<VectorService>();
        services.AddScoped<IVectorService>(sp => sp.GetRequiredService<VectorService>());
        services.AddScoped<IVectorBuildService, VectorBuildService>();
        services.AddScoped<IVectorShareService, VectorShareService>();
        // Run for each team by Accounts/DemoContentSeeder.
        services.AddScoped<DemoVectorSeeder>();
        return services;
    }
}
