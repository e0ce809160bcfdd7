using SteerLab.Shared.Chat;

namespace SteerLab.Server.Chat;

public static class ChatSetup
{
    /// <summary>The chat page's service and the job relay it shares with the OpenAI-compatible endpoint.</summary>
    public static IServiceCollection AddSteerLabChat(this IServiceCollection services)
    {
        services.AddSingleton<GenerateJobRelay>();
        services.AddSingleton<IChatService, ChatService>();
        return services;
    }
}
