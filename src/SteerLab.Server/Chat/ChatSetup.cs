using Microsoft.Extensions.DependencyInjection.Extensions;
using SteerLab.Shared.Chat;

namespace SteerLab.Server.Chat;

public static class ChatSetup
{
    /// <summary>The chat page's services (chat, presets, saved chats) and the job relay it shares with the OpenAI-compatible endpoint.</summary>
    public static IServiceCollection AddSteerLabChat(this IServiceCollection services)
    {
        services.AddSingleton<GenerateJobRelay>();
        // Scoped: each request or circuit sees its caller's team (Accounts/TeamScope).
        services.AddScoped<IChatService, ChatService>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<IChatPresetService, ChatPresetService>();
        services.AddScoped<IChatSessionService, ChatSessionService>();
        return services;
    }
}
