using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Chat;

namespace SteerLab.Server.Tests.Chat;

/// <summary>Presets and saved chats on the real host (temporary SQLite database).</summary>
public sealed class ChatPresetAndSessionStoreTests : IAsyncLifetime
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the tests");

    readonly SteerLabServer server = new(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = DemoFolder });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    IChatPresetService Presets => server.AdminServices.GetRequiredService<IChatPresetService>();
    IChatSessionService Sessions => server.AdminServices.GetRequiredService<IChatSessionService>();

    static readonly ChatSettings Setting = new(
        [new ChatSteering(Guid.NewGuid(), 4), new ChatSteering(Guid.NewGuid(), -1.25)],
        DeltaCorrection: false, SteerAllPositions: true, new ChatSampling(MaxNewTokens: 64, Temperature: 0.7, TopP: 0.9, Seed: 12345678901));

    [Fact]
    public async Task Preset_IsSavedListedFoundByIdAndDeleted()
    {
        var saved = await Presets.SaveAsync("  romantic  ", DemoAssets.ModelName, Setting);
        await Presets.SaveAsync("other model", "stories260K", Setting with { Steering = [] });

        Assert.Equal("romantic", saved.Name);
        Assert.Equal($"chat?preset={saved.Id}", saved.Link);
        var found = await Presets.FindAsync(saved.Id);
        Assert.NotNull(found);
        Assert.Equal(Setting, found.Settings); // every knob, toggle and sampling value comes back
        Assert.Equal(DemoAssets.ModelName, found.Model);
        Assert.Equal([saved.Id], (await Presets.ListAsync(DemoAssets.ModelName)).Select(p => p.Id));
        Assert.Equal(2, (await Presets.ListAsync()).Count);

        Assert.True(await Presets.DeleteAsync(saved.Id));
        Assert.Null(await Presets.FindAsync(saved.Id));
        Assert.False(await Presets.DeleteAsync(saved.Id));
    }

    [Fact]
    public async Task Preset_IsStoredAsVersionedJson_AndAStoredSettingThatCannotBeReadIsReportedWithItsPath()
    {
        var saved = await Presets.SaveAsync("p", DemoAssets.ModelName, Setting);
        await using (var db = server.CreateDbContext())
        {
            var row = await db.ChatPresets.SingleAsync(p => p.Id == saved.Id);
            Assert.StartsWith("{\"version\":1,", row.SettingsJson);
            row.SettingsJson = row.SettingsJson.Replace("\"version\":1", "\"version\":2");
            await db.SaveChangesAsync();
        }

        var problem = await Assert.ThrowsAsync<ChatSettingsFormatException>(() => Presets.FindAsync(saved.Id));
        Assert.Equal("$.version", problem.Path);
        Assert.Contains("version 2 is not supported", problem.Message);
        Assert.Empty(await Presets.ListAsync()); // the list leaves it out rather than failing
    }

    [Fact]
    public async Task Preset_WithoutANameOrWithAnOutOfRangeSetting_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Presets.SaveAsync("  ", DemoAssets.ModelName, Setting));
        var badTopP = Setting with { Sampling = Setting.Sampling with { TopP = 0 } };
        var problem = await Assert.ThrowsAsync<ChatSettingsFormatException>(() => Presets.SaveAsync("x", DemoAssets.ModelName, badTopP));
        Assert.Equal("$.sampling.topP", problem.Path);
    }

    [Fact]
    public async Task Chat_SavesEachExchangeAsUserAndAssistantTurns_WithTheSteeringAndTheUnsteeredAnswer()
    {
        var id = await Sessions.SaveExchangeAsync(null, DemoAssets.ModelName, Setting, new SavedExchange("Tell me\na story", "Once upon", Setting, "The committee"));
        var later = Setting with { Steering = [] };
        Assert.Equal(id, await Sessions.SaveExchangeAsync(id, DemoAssets.ModelName, later, new SavedExchange("More", "a time", later)));
        Assert.Equal(id, await Sessions.SaveExchangeAsync(id, DemoAssets.ModelName, later, new SavedExchange("Failed", null, null)));

        var chat = await Sessions.FindAsync(id);
        Assert.NotNull(chat);
        Assert.Equal("Tell me", chat.Title);
        Assert.Equal(later, chat.Settings); // the chat's setting is the latest one
        Assert.Equal([
            new SavedExchange("Tell me\na story", "Once upon", Setting, "The committee"),
            new SavedExchange("More", "a time", later),
            new SavedExchange("Failed", null, null)], chat.Exchanges);

        await using (var db = server.CreateDbContext())
        {
            var messages = await db.ChatMessages.Where(m => m.SessionId == id).OrderBy(m => m.Index).ToListAsync();
            Assert.Equal(["user", "assistant", "user", "assistant", "user"], messages.Select(m => m.Role));
            Assert.Equal([0, 1, 2, 3, 4], messages.Select(m => m.Index));
            Assert.Null(messages[0].SteeringJson);
            Assert.StartsWith("{\"version\":1,\"settings\":{\"version\":1,", messages[1].SteeringJson);
        }

        var listed = Assert.Single(await Sessions.ListAsync());
        Assert.Equal((id, 5, DemoAssets.ModelName), (listed.Id, listed.MessageCount, listed.Model));

        Assert.True(await Sessions.DeleteAsync(id));
        Assert.Null(await Sessions.FindAsync(id));
        Assert.Empty(await Sessions.ListAsync());
        await using (var db = server.CreateDbContext()) Assert.Empty(await db.ChatMessages.ToListAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Sessions.SaveExchangeAsync(id, DemoAssets.ModelName, later, new SavedExchange("x", "y", later)));
    }
}
