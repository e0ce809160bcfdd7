using SteerLab.Shared.Compare;

namespace SteerLab.Server.Compare;

/// <summary>Wires the Compare page's service (overlap heat maps and A/B sweeps).</summary>
public static class CompareSetup
{
    public static IServiceCollection AddSteerLabCompare(this IServiceCollection services) =>
        services.AddScoped<ICompareService, CompareService>(); // scoped: per caller's team
}
