using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Chat;

namespace SteerLab.Server.Chat;

/// <summary>The chat presets over the database; each preset's setting is stored as versioned JSON (<see cref="ChatSettingsJson"/>).</summary>
public sealed class ChatPresetService(IDbContextFactory<SteerLabDbContext> databases, TimeProvider time, Accounts.TeamScope scope) : IChatPresetService
{
    public async Task<IReadOnlyList<ChatPresetView>> ListAsync(string? model = null, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var query = db.ChatPresets.AsNoTracking().Where(p => p.TeamId == team);
        if (!string.IsNullOrEmpty(model)) query = query.Where(p => p.Model == model);
        var presets = await query.ToListAsync(cancellationToken);
        // A preset whose JSON cannot be read stays out of the list; opening it by id reports why.
        return presets.OrderByDescending(p => p.CreatedAt).Select(TryView).OfType<ChatPresetView>().ToList();
    }

    public async Task<ChatPresetView?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var preset = await db.ChatPresets.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.TeamId == team, cancellationToken);
        return preset is null ? null : View(preset);
    }

    public async Task<ChatPresetView> SaveAsync(string name, string model, ChatSettings settings, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length == 0) throw new ArgumentException("give the preset a name");
        if (name.Length > ChatPresetView.MaxNameLength) throw new ArgumentException($"the name is longer than {ChatPresetView.MaxNameLength} characters");
        if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("a preset needs a model");
        var team = (await scope.RequireAsync(SteerLab.Shared.Accounts.TeamRoles.Editor, cancellationToken)).TeamId;
        string json = ChatSettingsJson.Serialize(settings);
        ChatSettingsJson.Parse(json, "the preset"); // refuse what could not be read back (e.g. λ out of range)
        var preset = new ChatPreset { Id = Guid.NewGuid(), TeamId = team, Name = name, Model = model, SettingsJson = json, CreatedAt = time.GetUtcNow().UtcDateTime };
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.ChatPresets.Add(preset);
        await db.SaveChangesAsync(cancellationToken);
        return View(preset);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(SteerLab.Shared.Accounts.TeamRoles.Editor, cancellationToken)).TeamId;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.ChatPresets.Where(p => p.Id == id && p.TeamId == team).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    static ChatPresetView View(ChatPreset preset) =>
        new(preset.Id, preset.Name, preset.Model, ChatSettingsJson.Parse(preset.SettingsJson, $"preset '{preset.Name}'"), preset.CreatedAt);

    static ChatPresetView? TryView(ChatPreset preset)
    {
        try { return View(preset); }
        catch (ChatSettingsFormatException) { return null; }
    }
}
