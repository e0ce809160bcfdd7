using SteerLab.Shared.Features;

namespace SteerLab.Server.Features;

/// <summary>Wires feature labels and feature dashboards (DESIGN §4).</summary>
public static class FeaturesSetup
{
    public static IServiceCollection AddSteerLabFeatures(this IServiceCollection services)
    {
        services.AddSingleton<IFeatureLabelService, FeatureLabelService>();
        services.AddSingleton<IFeatureDashboardService, FeatureDashboardService>();
        return services;
    }
}
