namespace SteerLab.Shared.Chat;

/// <summary>Named chat settings (knobs with λ, Δ, positions, sampling) for a model, shared by link
/// (<c>/chat?preset={id}</c>). Implemented by the server over its database.</summary>
public interface IChatPresetService
{
    /// <summary>Every preset, newest first; only <paramref name="model"/>'s when given.</summary>
    Task<IReadOnlyList<ChatPresetView>> ListAsync(string? model = null, CancellationToken cancellationToken = default);

    /// <summary>Null when there is no such preset.</summary>
    /// <exception cref="ChatSettingsFormatException">The stored settings cannot be read.</exception>
    Task<ChatPresetView?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Stores a new preset.</summary>
    /// <exception cref="ArgumentException">The name is empty or too long, or the model is missing.</exception>
    Task<ChatPresetView> SaveAsync(string name, string model, ChatSettings settings, CancellationToken cancellationToken = default);

    /// <summary>False when there was no such preset.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}

/// <summary>A stored preset.</summary>
public sealed record ChatPresetView(Guid Id, string Name, string Model, ChatSettings Settings, DateTime CreatedAt)
{
    public const int MaxNameLength = 200;

    /// <summary>The chat page's address with this preset applied, relative to the app's base.</summary>
    public string Link => $"chat?preset={Id}";
}
