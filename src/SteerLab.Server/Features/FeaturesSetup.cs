using SteerLab.Shared.Features;

namespace SteerLab.Server.Features;

/// <summary>Wires feature labels and feature dashboards (DESIGN §4).</summary>
public static class FeaturesSetup
{
    public static IServiceCollection AddSteerLabFeatures(this IServiceCollection services)
    {
        // Scoped: each request or circuit sees its caller's team (Accounts/TeamScope).
        services.AddScoped<IFeatureLabelService, FeatureLabelService>();
        services.AddSingleton<LatestDashboardJobs>();
        services.AddScoped<IFeatureDashboardService, FeatureDashboardService>();
        return services;
    }
}
