using Microsoft.Extensions.DependencyInjection.Extensions;
using SteerLab.Shared.Chat;

namespace SteerLab.Server.Chat;

public static class ChatSetup
{
    /// <summary>The chat page's services (chat, presets, saved chats) and the job relay it shares with the OpenAI-compatible endpoint.</summary>
    public static IServiceCollection AddSteerLabChat(this IServiceCollection services)
    {
        services.AddSingleton<GenerateJobRelay>();
        services.AddSingleton<IChatService, ChatService>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IChatPresetService, ChatPresetService>();
        services.AddSingleton<IChatSessionService, ChatSessionService>();
        return services;
    }
}
