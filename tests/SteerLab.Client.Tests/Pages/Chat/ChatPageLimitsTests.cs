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

/// <summary>The chat page keeps to the server's limit on new tokens (SteerLab:Limits:MaxNewTokens).</summary>
public sealed class ChatPageLimitsTests
{
    readonly FakeChatService chat = new() { MaxNewTokens = 300 };

    BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IVectorService>(new FakeVectorService());
        ctx.Services.AddSingleton<IChatService>(chat);
        ctx.Services.AddSingleton<IChatPresetService>(new FakeChatPresetService());
        ctx.Services.AddSingleton<IChatSessionService>(new FakeChatSessionService());
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    [Fact]
    public async Task MaxNewTokensField_IsBoundedByTheServersLimitAndSaysSo()
    {
        await using var ctx = NewContext();
        var page = ctx.Render<ChatPage>();

        var field = page.FindComponents<MudNumericField<int>>().Single(f => f.Instance.Label == "Max new tokens");

        Assert.Equal(300, field.Instance.Max);
        Assert.Contains("at most 300 on this server", page.Find("[data-testid=sampling]").TextContent);
    }
}
