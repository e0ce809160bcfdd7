using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using MudBlazor.Services;
using SteerLab.Client.Pages.Chat;
using SteerLab.Client.Tests.Pages.Vectors;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Chat;

/// <summary>The chat page's presets (save, open by link with missing vectors reported) and saved chats.</summary>
public sealed class ChatPresetsAndSessionsTests
{
    const string Model = "steerlab-brown-demo";

    static readonly VectorSummary Romance = new(Guid.NewGuid(), "romance-vs-press CAA", "caa", "blocks.1.hook_resid_post",
        Model, false, 1.5, 256, null, null, DateTime.UtcNow);

    readonly FakeChatService chat = new();
    readonly FakeChatPresetService presets = new();
    readonly FakeChatSessionService sessions = new();

    BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IVectorService>(new FakeVectorService { Vectors = { Romance } });
        ctx.Services.AddSingleton<IChatService>(chat);
        ctx.Services.AddSingleton<IChatPresetService>(presets);
        ctx.Services.AddSingleton<IChatSessionService>(sessions);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    static readonly ChatSampling Sampling = new(MaxNewTokens: 40, Temperature: 0.3, TopP: 0.8, Seed: 99);

    [Fact]
    public async Task PresetLink_SaysWhichPresetIsOn()
    {
        var preset = new ChatPresetView(Guid.NewGuid(), "gentle romance", Model,
            new ChatSettings([new ChatSteering(Romance.Id, 1)], DeltaCorrection: true, SteerAllPositions: false, Sampling), DateTime.UtcNow);
        presets.Presets.Add(preset);
        await using var ctx = NewContext();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"chat?preset={preset.Id}");

        var page = ctx.Render<ChatPage>();

        page.WaitForAssertion(() => Assert.Equal("Preset 'gentle romance' is on.", page.Find("[data-testid=settings-note]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=settings-warning]"));
    }

    [Fact]
    public async Task PresetLink_AppliesTheSettingAndReportsVectorsNoLongerInTheLibrary()
    {
        var gone = Guid.NewGuid();
        var preset = new ChatPresetView(Guid.NewGuid(), "romantic", Model,
            new ChatSettings([new ChatSteering(Romance.Id, -2.5), new ChatSteering(gone, 3)], DeltaCorrection: false, SteerAllPositions: true, Sampling), DateTime.UtcNow);
        presets.Presets.Add(preset);
        await using var ctx = NewContext();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"chat?preset={preset.Id}");

        var page = ctx.Render<ChatPage>();

        page.WaitForAssertion(() => Assert.Equal(["romance-vs-press CAA"], page.FindAll("[data-testid=knob-name]").Select(e => e.TextContent)));
        var warning = page.Find("[data-testid=settings-warning]").TextContent;
        Assert.Contains("Preset 'romantic'", warning);
        Assert.Contains("1 of its 2 vectors", warning);
        Assert.Contains(gone.ToString(), warning);

        // The next message is sent with the preset's setting.
        await page.Find("textarea[data-testid=message-input]").InputAsync(new ChangeEventArgs { Value = "Hi" });
        await page.Find("button[data-testid=send]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Single(chat.Requests));
        var request = chat.Requests[0];
        Assert.Equal([new ChatSteering(Romance.Id, -2.5)], request.Steering);
        Assert.False(request.DeltaCorrection);
        Assert.True(request.SteerAllPositions);
        Assert.Equal(Sampling, request.Sampling);
    }

    [Fact]
    public async Task AMissingPreset_IsReportedNotCrashed()
    {
        await using var ctx = NewContext();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"chat?preset={Guid.NewGuid()}");

        var page = ctx.Render<ChatPage>();

        page.WaitForAssertion(() => Assert.Contains("There is no preset", page.Find("[data-testid=settings-warning]").TextContent));
        Assert.NotNull(page.Find("button[data-testid=send]"));
    }

    [Fact]
    public async Task SavePreset_StoresTheCurrentKnobsAndShowsItsLink()
    {
        await using var ctx = NewContext();
        var page = ctx.Render<ChatPage>();
        await page.InvokeAsync(() => page.FindComponent<MudSelect<Guid?>>().Instance.ValueChanged.InvokeAsync(Romance.Id));

        await page.Find("input[data-testid=preset-name]").InputAsync(new ChangeEventArgs { Value = "my knobs" });
        await page.Find("button[data-testid=save-preset]").ClickAsync(new());

        var saved = Assert.Single(presets.Presets);
        Assert.Equal(("my knobs", Model), (saved.Name, saved.Model));
        Assert.Equal([new ChatSteering(Romance.Id, SteeringKnobs.DefaultLambda)], saved.Settings.Steering);
        Assert.True(saved.Settings.DeltaCorrection);
        page.WaitForAssertion(() => Assert.EndsWith($"chat?preset={saved.Id}", page.Find("input[data-testid=preset-link]").GetAttribute("value")));
        Assert.Single(page.FindAll("[data-testid=preset]"));

        await page.Find("button[data-testid=delete-preset]").ClickAsync(new());
        Assert.Empty(presets.Presets);
        Assert.Empty(page.FindAll("[data-testid=preset]"));
    }

    [Fact]
    public async Task EachExchange_IsSavedToOneChat_WithTheUnsteeredAnswerOfCompareMode()
    {
        await using var ctx = NewContext();
        var page = ctx.Render<ChatPage>();
        await page.InvokeAsync(() => page.FindComponent<MudSelect<Guid?>>().Instance.ValueChanged.InvokeAsync(Romance.Id));
        await page.Find("input[data-testid=compare]").ChangeAsync(new ChangeEventArgs { Value = true });

        await page.Find("textarea[data-testid=message-input]").InputAsync(new ChangeEventArgs { Value = "Hello" });
        await page.Find("button[data-testid=send]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Single(sessions.Saved));
        await page.Find("textarea[data-testid=message-input]").InputAsync(new ChangeEventArgs { Value = "More" });
        await page.Find("button[data-testid=send]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(2, sessions.Saved.Count));

        var (firstSession, settings, first) = sessions.Saved[0];
        Assert.Null(firstSession); // the first exchange starts a chat …
        Assert.Equal(Assert.Single(sessions.Sessions.Keys), sessions.Saved[1].SessionId); // … the next one goes into it
        Assert.Equal(new SavedExchange("Hello", "<b>love</b> in June", settings, "plain old news"), first);
        Assert.Equal([new ChatSteering(Romance.Id, SteeringKnobs.DefaultLambda)], settings.Steering);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=chat-session]")));
    }

    [Fact]
    public async Task OpeningASavedChat_ShowsItsExchangesAndSetting_AndNewChatStartsOver()
    {
        var id = Guid.NewGuid();
        var settings = new ChatSettings([new ChatSteering(Romance.Id, 1.5)], true, false, Sampling);
        sessions.Sessions[id] = new ChatSessionView(id, "Hello", Model, settings,
            [new SavedExchange("Hello", "steered <i>hi</i>", settings, "plain hi"), new SavedExchange("Again", "once more", settings)], DateTime.UtcNow);
        await using var ctx = NewContext();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"chat?session={id}");

        var page = ctx.Render<ChatPage>();

        page.WaitForAssertion(() => Assert.Equal(["Hello", "Again"], page.FindAll("[data-testid=user-message]").Select(e => e.TextContent)));
        Assert.Equal(["steered <i>hi</i>", "once more"], page.FindAll("[data-testid=steered-reply] [data-testid=reply-text]").Select(e => e.TextContent));
        Assert.Equal("plain hi", page.Find("[data-testid=unsteered-reply] [data-testid=reply-text]").TextContent);
        Assert.Equal(["romance-vs-press CAA"], page.FindAll("[data-testid=knob-name]").Select(e => e.TextContent)); // the chat's knob is on again
        Assert.Equal(1.5, page.FindComponent<MudSlider<double>>().Instance.GetState(x => x.Value));
        Assert.Empty(page.FindAll("[data-testid=settings-warning]"));

        // The next message continues the saved chat with its history.
        await page.Find("textarea[data-testid=message-input]").InputAsync(new ChangeEventArgs { Value = "Third" });
        await page.Find("button[data-testid=send]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Single(sessions.Saved));
        Assert.Equal(id, sessions.Saved[0].SessionId);
        Assert.Equal(["Hello", "steered <i>hi</i>", "Again", "once more", "Third"], chat.Requests.Single().Messages.Select(m => m.Content));

        await page.Find("button[data-testid=new-chat]").ClickAsync(new());
        Assert.Empty(page.FindAll("[data-testid=user-message]"));
        Assert.EndsWith("/chat", ctx.Services.GetRequiredService<NavigationManager>().Uri);
    }
}
