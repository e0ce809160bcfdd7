using System.Text;

namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>The chat formats we write without a Jinja engine.</summary>
public enum ChatFormat { Plain, Gemma, Llama3 }

/// <summary>Formats a conversation as a model's chat template would. Gemma and Llama-3 text begins with the BOS token
/// written as text (&lt;bos&gt;, &lt;|begin_of_text|&gt;), so encode it with <c>addBos: false</c>; the plain format has
/// none, so encode it with <c>addBos: true</c>. <see cref="IncludesBos"/> says which.</summary>
public sealed class ChatTemplate
{
    public static ChatTemplate Plain { get; } = new(ChatFormat.Plain);
    public static ChatTemplate Gemma { get; } = new(ChatFormat.Gemma);
    public static ChatTemplate Llama3 { get; } = new(ChatFormat.Llama3);

    ChatTemplate(ChatFormat format) => Format = format;

    public ChatFormat Format { get; }

    /// <summary>Whether <see cref="Apply"/>'s text already starts with BOS: encode with <c>addBos: !IncludesBos</c>.</summary>
    public bool IncludesBos => Format != ChatFormat.Plain;

    /// <summary>Picks the format from config.json's model_type and tokenizer_config.json's chat_template (either may be
    /// null): Gemma models and templates using &lt;start_of_turn&gt; → Gemma; templates using &lt;|start_header_id|&gt;
    /// → Llama-3; anything else (base models have no template) → plain.</summary>
    public static ChatTemplate Detect(string? modelType, string? chatTemplate)
    {
        if (modelType is not null && modelType.StartsWith("gemma", StringComparison.OrdinalIgnoreCase)) return Gemma;
        if (chatTemplate is null) return Plain;
        if (chatTemplate.Contains("<|start_header_id|>", StringComparison.Ordinal)) return Llama3;
        if (chatTemplate.Contains("<start_of_turn>", StringComparison.Ordinal)) return Gemma;
        return Plain;
    }

    /// <summary>The conversation as text. <paramref name="addGenerationPrompt"/> appends the opening of the assistant's
    /// turn, so the model's next tokens are its reply. Message text is trimmed, as the official templates do.</summary>
    public string Apply(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt) => Format switch
    {
        ChatFormat.Gemma => ApplyGemma(messages, addGenerationPrompt),
        ChatFormat.Llama3 => ApplyLlama3(messages, addGenerationPrompt),
        _ => ApplyPlain(messages, addGenerationPrompt),
    };

    // Gemma has no system role: its text goes before the first user message, separated by a blank line (as Gemma 3's
    // template does), and the assistant's role is called "model".
    static string ApplyGemma(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder("<bos>");
        string? pendingSystem = null;
        foreach (var message in messages)
        {
            string content = message.Content.Trim();
            if (IsRole(message, "system"))
            {
                pendingSystem = pendingSystem is null ? content : pendingSystem + "\n\n" + content;
                continue;
            }
            if (pendingSystem is not null && IsRole(message, "user"))
            {
                content = pendingSystem + "\n\n" + content;
                pendingSystem = null;
            }
            string role = IsRole(message, "assistant") ? "model" : message.Role.ToLowerInvariant();
            text.Append("<start_of_turn>").Append(role).Append('\n').Append(content).Append("<end_of_turn>\n");
        }
        // A system message with no user turn after it still reaches the model, as a user turn of its own.
        if (pendingSystem is not null) text.Append("<start_of_turn>user\n").Append(pendingSystem).Append("<end_of_turn>\n");
        if (addGenerationPrompt) text.Append("<start_of_turn>model\n");
        return text.ToString();
    }

    static string ApplyLlama3(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder("<|begin_of_text|>");
        foreach (var message in messages)
            text.Append("<|start_header_id|>").Append(message.Role.ToLowerInvariant()).Append("<|end_header_id|>\n\n")
                .Append(message.Content.Trim()).Append("<|eot_id|>");
        if (addGenerationPrompt) text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return text.ToString();
    }

    // "System: ...\nUser: ...\nAssistant: ...\n", ending in "Assistant:" for the model to continue.
    static string ApplyPlain(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
            text.Append(RoleLabel(message.Role)).Append(": ").Append(message.Content.Trim()).Append('\n');
        if (addGenerationPrompt) text.Append("Assistant:");
        return text.ToString();
    }

    static string RoleLabel(string role) =>
        role.Length == 0 ? "User" : char.ToUpperInvariant(role[0]) + role[1..].ToLowerInvariant();

    static bool IsRole(ChatMessage message, string role) => string.Equals(message.Role, role, StringComparison.OrdinalIgnoreCase);
}
