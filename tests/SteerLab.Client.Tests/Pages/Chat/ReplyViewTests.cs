using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using SteerLab.Client.Pages.Chat;
using SteerLab.Shared.Engine;

namespace SteerLab.Client.Tests.Pages.Chat;

public sealed class ReplyViewTests
{
    static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    static TokenLogprobs Token(int id, string text, double p, params (int Id, string Text, double P)[] top) =>
        new(id, text, Math.Log(p), top.Select(a => new TokenAlternativeLogprob(a.Id, a.Text, Math.Log(a.P))).ToArray());

    static ChatReply Reply(string text, params TokenLogprobs[] tokens)
    {
        var reply = new ChatReply();
        reply.Text.Append(text);
        reply.Tokens.AddRange(tokens);
        return reply;
    }

    [Fact]
    public async Task HoveringAToken_ShowsItsProbabilityAndTheAlternativesAsText()
    {
        await using var ctx = NewContext();
        var reply = Reply("<b>Once upon",
            Token(10, "<b>", 0.05, (11, " The", 0.6), (10, "<b>", 0.05)),
            Token(12, "Once", 0.9, (12, "Once", 0.9), (13, " <i>", 0.02)));
        var view = ctx.Render<ReplyView>(p => p.Add(c => c.Title, "Assistant").Add(c => c.Reply, reply));

        var tokens = view.FindAll("[data-testid=reply-token]");
        Assert.Equal(["<b>", "Once"], tokens.Select(t => t.TextContent));
        Assert.Equal("<b>Once upon", view.Find("[data-testid=reply-text]").TextContent); // the text after the tokens follows
        Assert.Empty(view.FindAll("[data-testid=reply-text] b")); // model output is text, never markup

        Assert.Empty(view.FindAll("[data-testid=token-logprobs]"));
        await view.FindAll("[data-testid=reply-token]")[1].TriggerEventAsync("onmouseenter", new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        view.WaitForAssertion(() =>
        {
            var shown = view.Find("[data-testid=token-logprobs]");
            Assert.Contains("Once · p = 90.0 %", shown.TextContent);
            var alternatives = shown.QuerySelectorAll("[data-testid=token-alternative]").Select(a => a.TextContent).ToList();
            Assert.Equal(2, alternatives.Count);
            Assert.StartsWith("Once", alternatives[0]);
            Assert.Contains("90.0 %", alternatives[0]);
            Assert.StartsWith("␣<i>", alternatives[1]); // whitespace made visible, markup kept as text
            Assert.Contains("2.0 %", alternatives[1]);
            Assert.Empty(shown.QuerySelectorAll("i"));
        });
    }

    [Fact]
    public async Task FocusingAToken_ShowsItsDetailsToo()
    {
        await using var ctx = NewContext();
        var view = ctx.Render<ReplyView>(p => p.Add(c => c.Title, "Assistant")
            .Add(c => c.Reply, Reply("a b", Token(1, "a", 0.5, (1, "a", 0.5)), Token(2, " b", 0.25, (3, " c", 0.5), (2, " b", 0.25)))));

        await view.FindAll("[data-testid=reply-token]")[1].FocusAsync(new Microsoft.AspNetCore.Components.Web.FocusEventArgs());

        view.WaitForAssertion(() => Assert.Contains("␣b · p = 25.0 % · token 2 of 2", view.Find("[data-testid=token-logprobs]").TextContent));
    }

    [Fact]
    public async Task TokensThatDoNotSpellTheText_FallBackToPlainText()
    {
        await using var ctx = NewContext();
        var view = ctx.Render<ReplyView>(p => p.Add(c => c.Title, "Assistant")
            .Add(c => c.Reply, Reply("Hello", Token(1, "Bye", 0.5, (1, "Bye", 0.5)))));

        Assert.Empty(view.FindAll("[data-testid=reply-token]"));
        Assert.Equal("Hello", view.Find("[data-testid=reply-text]").TextContent);
    }

    [Theory]
    [InlineData(0.372, "37.2 %")]
    [InlineData(1.0, "100.0 %")]
    [InlineData(0.0004, "<0.1 %")]
    public void Percent_FormatsProbabilities(double p, string expected) => Assert.Equal(expected, ReplyTokens.Percent(Math.Log(p)));
}
