using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Tests.Tokenizers;

public sealed class ChatTemplateTests
{
    static readonly ChatMessage[] Conversation =
    [
        new("system", "You are terse."),
        new("user", "Hi there"),
        new("assistant", "Hello."),
        new("user", "What is 2+2?"),
    ];

    [Fact]
    public void Gemma_PutsSystemTextIntoFirstUserTurn()
    {
        Assert.Equal(
            "<bos><start_of_turn>user\nYou are terse.\n\nHi there<end_of_turn>\n" +
            "<start_of_turn>model\nHello.<end_of_turn>\n" +
            "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n" +
            "<start_of_turn>model\n",
            ChatTemplate.Gemma.Apply(Conversation, addGenerationPrompt: true));
    }

    [Fact]
    public void Llama3_HeadersAndEotIds()
    {
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            ChatTemplate.Llama3.Apply(Conversation, addGenerationPrompt: true));
    }

    [Fact]
    public void Plain_RoleLabels()
    {
        Assert.Equal(
            "System: You are terse.\nUser: Hi there\nAssistant: Hello.\nUser: What is 2+2?\nAssistant:",
            ChatTemplate.Plain.Apply(Conversation, addGenerationPrompt: true));
        Assert.Equal("User: Hi\n", ChatTemplate.Plain.Apply([new("user", "Hi")], addGenerationPrompt: false));
    }

    [Fact]
    public void Gemma_WithoutGenerationPrompt_EndsAfterLastTurn() =>
        Assert.Equal("<bos><start_of_turn>user\nHi<end_of_turn>\n", ChatTemplate.Gemma.Apply([new("user", " Hi ")], addGenerationPrompt: false));

    [Theory]
    [InlineData("gemma2", null, ChatFormat.Gemma)]
    [InlineData("gemma", null, ChatFormat.Gemma)]
    [InlineData("llama", "{% for m in messages %}<|start_header_id|>{{ m['role'] }}{% endfor %}", ChatFormat.Llama3)]
    [InlineData(null, "{{ '<start_of_turn>' + role }}", ChatFormat.Gemma)]
    [InlineData("llama", null, ChatFormat.Plain)]
    [InlineData("gpt2", "{{ message['content'] }}", ChatFormat.Plain)]
    [InlineData(null, null, ChatFormat.Plain)]
    public void Detect_PicksFormat(string? modelType, string? chatTemplate, ChatFormat expected) =>
        Assert.Equal(expected, ChatTemplate.Detect(modelType, chatTemplate).Format);

    [Fact]
    public void IncludesBos_OnlyForTemplatesThatWriteIt()
    {
        Assert.True(ChatTemplate.Gemma.IncludesBos);
        Assert.True(ChatTemplate.Llama3.IncludesBos);
        Assert.False(ChatTemplate.Plain.IncludesBos);
    }
}
