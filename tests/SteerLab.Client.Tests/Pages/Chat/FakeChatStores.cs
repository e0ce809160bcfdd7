using SteerLab.Shared.Chat;

namespace SteerLab.Client.Tests.Pages.Chat;

/// <summary>Presets kept in memory.</summary>
internal sealed class FakeChatPresetService : IChatPresetService
{
    public List<ChatPresetView> Presets { get; } = [];

    public Task<IReadOnlyList<ChatPresetView>> ListAsync(string? model = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ChatPresetView>>(Presets.Where(p => model is null || p.Model == model).ToList());

    public Task<ChatPresetView?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Presets.FirstOrDefault(p => p.Id == id));

    public Task<ChatPresetView> SaveAsync(string name, string model, ChatSettings settings, CancellationToken cancellationToken = default)
    {
        var preset = new ChatPresetView(Guid.NewGuid(), name, model, settings, DateTime.UtcNow);
        Presets.Add(preset);
        return Task.FromResult(preset);
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(Presets.RemoveAll(p => p.Id == id) > 0);
}

/// <summary>Saved chats kept in memory, remembering every saved exchange.</summary>
internal sealed class FakeChatSessionService : IChatSessionService
{
    public Dictionary<Guid, ChatSessionView> Sessions { get; } = [];
    public List<(Guid? SessionId, ChatSettings Settings, SavedExchange Exchange)> Saved { get; } = [];

    public Task<IReadOnlyList<ChatSessionSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ChatSessionSummary>>(Sessions.Values.Select(s => new ChatSessionSummary(s.Id, s.Title, s.Model, s.Exchanges.Count * 2, s.UpdatedAt)).ToList());

    public Task<ChatSessionView?> FindAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(Sessions.GetValueOrDefault(id));

    public Task<Guid> SaveExchangeAsync(Guid? sessionId, string model, ChatSettings settings, SavedExchange exchange, CancellationToken cancellationToken = default)
    {
        Saved.Add((sessionId, settings, exchange));
        var id = sessionId ?? Guid.NewGuid();
        var earlier = Sessions.TryGetValue(id, out var session) ? session.Exchanges : [];
        Sessions[id] = new ChatSessionView(id, session?.Title ?? exchange.User, model, settings, [.. earlier, exchange], DateTime.UtcNow);
        return Task.FromResult(id);
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(Sessions.Remove(id));
}
