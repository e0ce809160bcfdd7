using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Judges;

/// <summary>Wires the teams' OpenAI-compatible judges: their settings ("SteerLab:Judges"), the service pages and the REST
/// API use, the judge factory with its shared concurrency gates, and the background service that judges runs.</summary>
public static class JudgesSetup
{
    public static IServiceCollection AddSteerLabJudges(this IServiceCollection services)
    {
        services.AddOptions<JudgeOptions>().BindConfiguration(JudgeOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JudgeOptions>, JudgeOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JudgeApiKeys>();
        services.AddSingleton<JudgeConcurrencyLimits>();
        services.AddSingleton<OpenAiJudgeFactory>();
        // Scoped: each request or circuit sees its caller's team (Accounts/TeamScope).
        services.AddScoped<JudgeSettingsService>();
        services.AddScoped<IJudgeSettingsService>(sp => sp.GetRequiredService<JudgeSettingsService>());
        services.AddSingleton<JudgingWakeup>();
        services.AddSingleton<RunJudgingStore>();
        services.AddSingleton<RunJudgingPass>();
        // After the database migrator (hosted services start in order): runs are read once the schema is current.
        services.AddHostedService<RunJudgingService>();
        return services;
    }
}
