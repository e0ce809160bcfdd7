namespace SteerLab.Engine.Steering.Datasets;

/// <summary>What the two sides of a pair are: answer labels to an A/B question (CAA datasets), or two free-text
/// completions of one prompt (plain contrastive pairs).</summary>
public enum PairKind { AnswerChoice, Completion }

/// <summary>One contrastive example. For <see cref="PairKind.AnswerChoice"/> pairs <see cref="Prompt"/> is the
/// question with its options and <see cref="Positive"/>/<see cref="Negative"/> are the answer labels that match /
/// do not match the behaviour ("(A)", "(B)"); for <see cref="PairKind.Completion"/> pairs they are the two
/// completions of the prompt (which may be empty).</summary>
public sealed record ContrastivePair(PairKind Kind, string Prompt, string Positive, string Negative)
{
    public static ContrastivePair AnswerChoice(string question, string matchingAnswer, string notMatchingAnswer) =>
        new(PairKind.AnswerChoice, question, matchingAnswer, notMatchingAnswer);

    public static ContrastivePair Completion(string prompt, string positive, string negative) =>
        new(PairKind.Completion, prompt, positive, negative);

    /// <summary>The question of an A/B pair (same as <see cref="Prompt"/>).</summary>
    public string Question => Prompt;
    /// <summary>The answer label matching the behaviour, e.g. "(A)" (same as <see cref="Positive"/>).</summary>
    public string MatchingAnswer => Positive;
    /// <summary>The other answer label (same as <see cref="Negative"/>).</summary>
    public string NotMatchingAnswer => Negative;
}
