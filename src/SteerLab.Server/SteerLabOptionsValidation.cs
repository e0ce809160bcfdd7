using Microsoft.Extensions.Options;
using SteerLab.Server.Engine;

namespace SteerLab.Server;

/// <summary>Refuses to start with settings that cannot work, naming the setting.</summary>
public sealed class SteerLabOptionsValidation : IValidateOptions<SteerLabOptions>
{
    public ValidateOptionsResult Validate(string? name, SteerLabOptions options)
    {
        List<string> problems = [];
        if (options.Database.Provider.ToLowerInvariant() is not (DatabaseOptions.Sqlite or DatabaseOptions.Postgres))
            problems.Add($"SteerLab:Database:Provider must be \"{DatabaseOptions.Sqlite}\" or \"{DatabaseOptions.Postgres}\", not \"{options.Database.Provider}\"");
        if (options.Engine.Mode is not (EngineOptions.InProcess or EngineOptions.Workers or EngineOptions.Both))
            problems.Add($"SteerLab:Engine:Mode must be \"{EngineOptions.InProcess}\", \"{EngineOptions.Workers}\" or \"{EngineOptions.Both}\", not \"{options.Engine.Mode}\"");
        if (options.Engine.InProcessCapacity < 1) problems.Add("SteerLab:Engine:InProcessCapacity must be at least 1");
        if (!EngineWeightTypes.IsValid(options.Engine.WeightType)) problems.Add($"SteerLab:Engine:WeightType must be f32 or bf16, not \"{options.Engine.WeightType}\"");
        if (options.Jobs.MaxAttempts < 1) problems.Add("SteerLab:Jobs:MaxAttempts must be at least 1");
        problems.AddRange(options.Limits.Problems());
        if (options.Admin.IsConfigured && string.IsNullOrEmpty(options.Admin.Password)) problems.Add("SteerLab:Admin:Password must be set with SteerLab:Admin:Email (there is no default password)");
        if (options.BootstrapApiKey is { Length: > 0 and < 32 }) problems.Add("SteerLab:BootstrapApiKey must be at least 32 characters long");
        if (options.Jobs.PollInterval <= TimeSpan.Zero) problems.Add("SteerLab:Jobs:PollInterval must be positive");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class SteerLabOptionsSetup
{
    /// <summary>Binds "SteerLab" to <see cref="SteerLabOptions"/> and checks it when the host starts.</summary>
    public static IServiceCollection AddSteerLabOptions(this IServiceCollection services)
    {
        services.AddOptions<SteerLabOptions>().BindConfiguration(SteerLabOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SteerLabOptions>, SteerLabOptionsValidation>();
        return services;
    }
}
