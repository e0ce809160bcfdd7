namespace SteerLab.Server.Jobs;

/// <summary>Wires the persisted job queue, its kinds and the scheduler that runs them.</summary>
public static class JobsSetup
{
    public static IServiceCollection AddSteerLabJobs(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<JobUpdates>();
        services.AddSingleton<JobWakeup>();
        services.AddSingleton<RunningJobCancellations>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<IJobKind, GenerateJobKind>();
        services.AddSingleton<IJobKind, BuildVectorJobKind>();
        services.AddSingleton<IJobKind, SweepJobKind>();
        services.AddSingleton<IJobKind, FeatureDashboardJobKind>();
        services.AddSingleton<IJobKind, OpenEndedJobKind>();
        services.AddSingleton<IJobKind, SideEffectsJobKind>();
        services.AddSingleton<IJobKind, ReportJobKind>();
        services.AddSingleton<JobKindCatalog>();
        // Registered after the database migrator: hosted services start in order, so the queue is read only once the
        // schema is current.
        services.AddHostedService<JobScheduler>();
        return services;
    }
}
