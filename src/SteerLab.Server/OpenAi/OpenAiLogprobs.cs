using System.Text;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.OpenAi;

/// <summary>A choice's <c>logprobs</c> in OpenAI's shape: <c>{"content":[{"token","logprob","bytes","top_logprobs":[…]}],
/// "refusal":null}</c>, from the generate job's per-token logprobs (the model's raw distribution, as OpenAI reports).</summary>
static class OpenAiLogprobs
{
    public const int MaxTop = 20;

    /// <summary>How many alternatives to ask the engine for: at least one whenever logprobs are wanted (the engine
    /// reports nothing at 0), the alternatives beyond <c>top_logprobs</c> are dropped here.</summary>
    public static int EngineTop(ChatCompletionRequest request) => request.Logprobs == true ? Math.Max(1, request.TopLogprobs ?? 0) : 0;

    /// <summary>Null when the request did not ask for logprobs or there are none.</summary>
    public static object? Of(IReadOnlyList<TokenLogprobs>? tokens, ChatCompletionRequest request)
    {
        if (request.Logprobs != true || tokens is null) return null;
        int top = request.TopLogprobs ?? 0;
        return new
        {
            content = tokens.Select(t => new
            {
                token = t.Text ?? "",
                logprob = t.Logprob,
                bytes = Bytes(t.Text),
                top_logprobs = t.Top.Take(top).Select(a => new { token = a.Text ?? "", logprob = a.Logprob, bytes = Bytes(a.Text) }).ToArray(),
            }).ToArray(),
            refusal = (object?)null,
        };
    }

    static int[] Bytes(string? text) => Encoding.UTF8.GetBytes(text ?? "").Select(b => (int)b).ToArray();
}
