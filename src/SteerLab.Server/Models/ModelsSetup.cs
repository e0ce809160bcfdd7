using SteerLab.Shared.Models;

namespace SteerLab.Server.Models;

public static class ModelsSetup
{
    /// <summary>The Models page's service (over the engine registrations of <see cref="Engine.EngineSetup"/>).</summary>
    public static IServiceCollection AddSteerLabModels(this IServiceCollection services)
    {
        // Scoped: loading and unloading ask the caller (Accounts/TeamScope) whether they administer the server.
        services.AddScoped<IModelsService, ModelsService>();
        return services;
    }
}
