using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>The judge prompt for one rubric item, as chat messages (a system instruction and a user turn holding the
/// question and the answer), shared by every LLM judge so that the engine's model and an HTTP judge are asked the
/// same thing. The reply asked for is a bare whole number from 0 to 10, which <see cref="JudgeAnswerParser"/> reads
/// (an HTTP judge may also be told to answer <c>{"score": n}</c> through its response format).
/// <para>The wording follows CAA's and SAE-TS's judge prompts (behaviour against the user's description; coherence
/// regardless of the behaviour), on our 0–10 scale. The question and answer sit inside &lt;question&gt; and
/// &lt;answer&gt; tags so that an answer that itself contains instructions reads as the thing being judged.</para></summary>
public static class RubricPrompt
{
    public const string SystemInstruction =
        "You are a careful evaluator. You rate one answer on one criterion and reply with only the score: " +
        "a whole number from 0 to 10, with no other words.";

    public static IReadOnlyList<ChatMessage> Messages(JudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return [new ChatMessage("system", SystemInstruction), new ChatMessage("user", UserMessage(request))];
    }

    public static string UserMessage(JudgeRequest request)
    {
        string criterion = request.Item switch
        {
            RubricItem.Behaviour when string.IsNullOrWhiteSpace(request.BehaviourDescription) =>
                throw new ArgumentException("the behaviour item needs a description of the behaviour to score"),
            RubricItem.Behaviour =>
                "Rate how strongly the answer shows this behaviour: " + request.BehaviourDescription.Trim() + "\n" +
                "Score 0 if the answer does not show the behaviour at all and 10 if it shows it completely; use the numbers " +
                "in between for partial or mixed answers. Judge the behaviour only, not the quality of the writing.",
            RubricItem.Coherence =>
                "Rate how coherent the answer is, whatever its content or stance: is it fluent, grammatical, on topic for " +
                "the question, and free of repetition and gibberish? Score 0 for incoherent text and 10 for a perfectly " +
                "coherent answer.",
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Item, "unknown rubric item"),
        };
        return criterion + "\n\n<question>\n" + request.Question.Trim() + "\n</question>\n\n<answer>\n" + request.Answer.Trim() +
            "\n</answer>\n\nReply with only the score (0 to 10).";
    }
}
