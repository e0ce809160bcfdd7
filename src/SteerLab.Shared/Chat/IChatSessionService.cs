namespace SteerLab.Shared.Chat;

/// <summary>Saved chats: each conversation with the setting it used; every assistant turn remembers the steering it
/// was generated with. Implemented by the server over its database.</summary>
public interface IChatSessionService
{
    /// <summary>The most recently updated chats first.</summary>
    Task<IReadOnlyList<ChatSessionSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The chat with its turns in order; null when there is no such chat.</summary>
    /// <exception cref="ChatSettingsFormatException">A stored setting cannot be read.</exception>
    Task<ChatSessionView?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Appends one exchange (the user's message and the answer to it) to chat <paramref name="sessionId"/>, or to
    /// a new chat titled after the message when it is null; the chat's setting becomes <paramref name="settings"/>.
    /// Returns the chat's id.</summary>
    /// <exception cref="KeyNotFoundException">There is no chat <paramref name="sessionId"/> (it was deleted).</exception>
    Task<Guid> SaveExchangeAsync(Guid? sessionId, string model, ChatSettings settings, SavedExchange exchange, CancellationToken cancellationToken = default);

    /// <summary>False when there was no such chat.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}

/// <summary>A chat in the list.</summary>
public sealed record ChatSessionSummary(Guid Id, string Title, string Model, int MessageCount, DateTime UpdatedAt);

/// <summary>A saved chat.</summary>
public sealed record ChatSessionView(Guid Id, string Title, string Model, ChatSettings Settings, IReadOnlyList<SavedExchange> Exchanges, DateTime UpdatedAt);

/// <summary>A user's message and the answer to it.</summary>
/// <param name="Reply">The (steered) answer; null when none was produced (the request failed).</param>
/// <param name="Steering">The setting the answer was generated with; null when there is no answer.</param>
/// <param name="UnsteeredReply">In compare mode: the unsteered answer made with the same seed. It is kept with the
/// assistant turn's steering record, not as a turn of its own, so the stored conversation stays the steered one.</param>
public sealed record SavedExchange(string User, string? Reply, ChatSettings? Steering, string? UnsteeredReply = null);
