using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Chat;

namespace SteerLab.Server.Chat;

/// <summary>Saved chats over the database: a <see cref="ChatSession"/> with its setting, and its turns as
/// <see cref="ChatMessage"/>s (user, then assistant with <see cref="AssistantTurnJson"/>).</summary>
public sealed class ChatSessionService(IDbContextFactory<SteerLabDbContext> databases, TimeProvider time, Accounts.TeamScope scope) : IChatSessionService
{
    public const int MaxTitleLength = 80;

    public async Task<IReadOnlyList<ChatSessionSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var sessions = await db.ChatSessions.AsNoTracking().Where(s => s.TeamId == team)
            .Select(s => new ChatSessionSummary(s.Id, s.Title, s.Model, s.Messages.Count, s.UpdatedAt))
            .ToListAsync(cancellationToken);
        return sessions.OrderByDescending(s => s.UpdatedAt).ToList(); // SQLite cannot order by DateTime in SQL portably
    }

    public async Task<ChatSessionView?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var session = await db.ChatSessions.AsNoTracking().Include(s => s.Messages).FirstOrDefaultAsync(s => s.Id == id && s.TeamId == team, cancellationToken);
        if (session is null) return null;
        string source = $"chat '{session.Title}'";
        var exchanges = new List<SavedExchange>();
        foreach (var message in session.Messages.OrderBy(m => m.Index))
        {
            if (message.Role == "user") exchanges.Add(new SavedExchange(message.Content, null, null));
            else if (message.Role == "assistant" && exchanges.Count > 0 && exchanges[^1].Reply is null)
            {
                var (settings, unsteered) = message.SteeringJson is { } json
                    ? AssistantTurnJson.Parse(json, $"{source}, message {message.Index}")
                    : (null, null);
                exchanges[^1] = exchanges[^1] with { Reply = message.Content, Steering = settings, UnsteeredReply = unsteered };
            }
        }
        return new ChatSessionView(session.Id, session.Title, session.Model, ChatSettingsJson.Parse(session.SettingsJson, source), exchanges, session.UpdatedAt);
    }

    public async Task<Guid> SaveExchangeAsync(Guid? sessionId, string model, ChatSettings settings, SavedExchange exchange, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("a chat needs a model");
        var team = (await scope.RequireAsync(SteerLab.Shared.Accounts.TeamRoles.Editor, cancellationToken)).TeamId;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        ChatSession session;
        int next;
        if (sessionId is { } id)
        {
            session = await db.ChatSessions.FirstOrDefaultAsync(s => s.Id == id && s.TeamId == team, cancellationToken)
                ?? throw new KeyNotFoundException($"there is no chat {id}: it was deleted");
            next = await db.ChatMessages.Where(m => m.SessionId == id).Select(m => (int?)m.Index).MaxAsync(cancellationToken) + 1 ?? 0;
        }
        else
        {
            session = new ChatSession { Id = Guid.NewGuid(), TeamId = team, Title = Title(exchange.User), Model = model, CreatedAt = now };
            db.ChatSessions.Add(session);
            next = 0;
        }
        session.Model = model;
        session.SettingsJson = ChatSettingsJson.Serialize(settings);
        session.UpdatedAt = now;
        db.ChatMessages.Add(new ChatMessage { SessionId = session.Id, Index = next, Role = "user", Content = exchange.User, CreatedAt = now });
        if (exchange.Reply is not null)
            db.ChatMessages.Add(new ChatMessage
            {
                SessionId = session.Id, Index = next + 1, Role = "assistant", Content = exchange.Reply, CreatedAt = now,
                SteeringJson = AssistantTurnJson.Serialize(exchange.Steering ?? settings, exchange.UnsteeredReply),
            });
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(SteerLab.Shared.Accounts.TeamRoles.Editor, cancellationToken)).TeamId;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await db.ChatSessions.AnyAsync(s => s.Id == id && s.TeamId == team, cancellationToken)) return false;
        // Messages go with it (cascade); deleted explicitly too, in case the provider does not enforce the cascade. One
        // transaction, so a crash between the two never leaves an empty chat in the list.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ChatMessages.Where(m => m.SessionId == id).ExecuteDeleteAsync(cancellationToken);
        bool deleted = await db.ChatSessions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>The chat's title: the first line of its first message, shortened.</summary>
    static string Title(string firstMessage)
    {
        string line = firstMessage.Trim().Split('\n')[0].Trim();
        return line.Length <= MaxTitleLength ? (line.Length > 0 ? line : "Chat") : line[..(MaxTitleLength - 1)] + "…";
    }
}
