using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>Wires evaluation runs (DESIGN §6): the run service and the planner that turns requests into jobs.</summary>
public static class RunsSetup
{
    public static IServiceCollection AddSteerLabRuns(this IServiceCollection services)
    {
        services.AddSingleton<RunProvenanceFactory>();
        services.AddScoped<RunPlanner>();
        // Scoped: per caller's team. The REST endpoints use the class itself (it also says whether a run exists).
        services.AddScoped<RunService>();
        services.AddScoped<IRunService>(sp => sp.GetRequiredService<RunService>());
        return services;
    }
}
