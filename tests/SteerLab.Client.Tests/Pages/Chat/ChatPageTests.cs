using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using SteerLab.Client.Pages.Chat;
using SteerLab.Client.Tests.Pages.Vectors;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Chat;

public sealed class ChatPageTests
{
    static readonly VectorSummary Romance = new(Guid.NewGuid(), "romance-vs-press CAA", "caa", "blocks.1.hook_resid_post",
        "steerlab-brown-demo", false, 1.5, 256, null, null, DateTime.UtcNow);

    static readonly VectorSummary Learned = new(Guid.NewGuid(), "learned-vs-fiction SAS", "sas", "blocks.1.hook_resid_post",
        "steerlab-brown-demo", true, 1.5, 12, null, null, DateTime.UtcNow);

    readonly FakeChatService chat = new();
    readonly FakeChatPresetService presets = new();
    readonly FakeChatSessionService sessions = new();

    BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IVectorService>(new FakeVectorService { Vectors = { Romance, Learned } });
        ctx.Services.AddSingleton<IChatService>(chat);
        ctx.Services.AddSingleton<IChatPresetService>(presets);
        ctx.Services.AddSingleton<IChatSessionService>(sessions);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    static async Task SendAsync(IRenderedComponent<ChatPage> page, string message)
    {
        await page.Find("textarea[data-testid=message-input]").InputAsync(new ChangeEventArgs { Value = message });
        await page.Find("button[data-testid=send]").ClickAsync(new());
    }

    static async Task TurnOnRomanceAsync(IRenderedComponent<ChatPage> page)
    {
        var select = page.FindComponent<MudSelect<Guid?>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(Romance.Id));
    }

    [Fact]
    public async Task SendingAMessage_StreamsTheSteeredAnswerAsText()
    {
        await using var ctx = NewContext();
        var page = ctx.Render<ChatPage>();
        await TurnOnRomanceAsync(page);

        await SendAsync(page, "Tell me a story");

        page.WaitForAssertion(() => Assert.Equal("<b>love</b> in June", page.Find("[data-testid=steered-reply] [data-testid=reply-text]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=steered-reply] b")); // model output is text, never markup
        var request = Assert.Single(chat.Requests);
        Assert.Equal([new ChatSteering(Romance.Id, SteeringKnobs.DefaultLambda)], request.Steering);
        Assert.Equal("Tell me a story", request.Messages.Single().Content);
    }

    [Fact]
    public async Task CompareMode_AnswersUnsteeredAndSteeredWithTheSameSeed()
    {
        await using var ctx = NewContext();
        var page = ctx.Render<ChatPage>();
        await TurnOnRomanceAsync(page);
        await page.Find("input[data-testid=compare]").ChangeAsync(new ChangeEventArgs { Value = true });

        await SendAsync(page, "Hello");

        page.WaitForAssertion(() =>
        {
            Assert.Equal("plain old news", page.Find("[data-testid=unsteered-reply] [data-testid=reply-text]").TextContent);
            Assert.Equal("<b>love</b> in June", page.Find("[data-testid=steered-reply] [data-testid=reply-text]").TextContent);
        });
        Assert.Equal(2, chat.Requests.Count);
        Assert.Single(chat.Requests, r => r.Steering.Count == 0);
        Assert.Single(chat.Requests.Select(r => r.Sampling).Distinct());

        // The next turn continues each column's own conversation.
        await SendAsync(page, "More");
        page.WaitForAssertion(() => Assert.Equal(4, chat.Requests.Count));
        var unsteeredHistory = chat.Requests.Skip(2).Single(r => r.Steering.Count == 0).Messages;
        var steeredHistory = chat.Requests.Skip(2).Single(r => r.Steering.Count > 0).Messages;
        Assert.Equal("plain old news", unsteeredHistory[1].Content);
        Assert.Equal("<b>love</b> in June", steeredHistory[1].Content);
    }

    [Fact]
    public async Task ARefusedRequest_IsShownInTheReply()
    {
        chat.Failure = new ChatRequestException("topP: must be in (0, 1], got 0");
        await using var ctx = NewContext();
        var page = ctx.Render<ChatPage>();

        await SendAsync(page, "Hello");

        page.WaitForAssertion(() => Assert.Contains("topP: must be in (0, 1]", page.Find("[data-testid=reply-error]").TextContent));
        Assert.True(page.Find("button[data-testid=stop]").HasAttribute("disabled")); // idle again
    }
}
