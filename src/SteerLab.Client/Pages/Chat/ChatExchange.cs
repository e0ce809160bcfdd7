using System.Text;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Engine;

namespace SteerLab.Client.Pages.Chat;

/// <summary>One user message and the answer(s) to it: the steered one, and in compare mode the unsteered one made
/// with the same seed.</summary>
public sealed class ChatExchange(string user, bool compared)
{
    public string User { get; } = user;
    public ChatReply Steered { get; } = new();
    public ChatReply? Unsteered { get; } = compared ? new() : null;

    /// <summary>Whether any vector was on when it was sent.</summary>
    public bool WasSteered { get; init; }

    /// <summary>A saved exchange as shown again: its answers' text (their logprobs are not kept).</summary>
    public static ChatExchange FromSaved(SavedExchange saved)
    {
        var exchange = new ChatExchange(saved.User, compared: saved.UnsteeredReply is not null) { WasSteered = saved.Steering?.Steering.Count > 0 };
        exchange.Steered.Text.Append(saved.Reply);
        if (saved.Reply is null) exchange.Steered.Error = "No answer was saved for this message.";
        exchange.Unsteered?.Text.Append(saved.UnsteeredReply);
        return exchange;
    }

    /// <summary>The conversation one column continues: earlier exchanges with that column's answers (the steered one
    /// where the column has none), then <paramref name="next"/>'s user message.</summary>
    public static List<ChatTurn> History(IEnumerable<ChatExchange> earlier, ChatExchange next, bool unsteered)
    {
        var turns = new List<ChatTurn>();
        foreach (var exchange in earlier)
        {
            turns.Add(new ChatTurn("user", exchange.User));
            var reply = unsteered && exchange.Unsteered is { } u ? u : exchange.Steered;
            if (reply.Text.Length > 0) turns.Add(new ChatTurn("assistant", reply.Text.ToString()));
        }
        turns.Add(new ChatTurn("user", next.User));
        return turns;
    }
}

/// <summary>An assistant answer as it streams in.</summary>
public sealed class ChatReply
{
    public StringBuilder Text { get; } = new();
    /// <summary>The tokens with their logprobs, as they stream in (empty when none were asked for).</summary>
    public List<TokenLogprobs> Tokens { get; } = [];
    public bool Streaming { get; set; }
    public bool Stopped { get; set; }
    public string? Error { get; set; }
    public ChatAnswer? Answer { get; set; }
}
