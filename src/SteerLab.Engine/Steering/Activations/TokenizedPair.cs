namespace SteerLab.Engine.Steering.Activations;

/// <summary>One side of a contrastive pair as token ids: the prompt followed by the answer or completion.
/// <see cref="AnswerStart"/> is the first token of the answer (a token that straddles the boundary counts as
/// answer); <see cref="LetterIndex"/> the token holding the answer letter of an A/B pair (null for completions).</summary>
public sealed record TokenizedExample(IReadOnlyList<int> Ids, int AnswerStart, int? LetterIndex)
{
    /// <summary>The tokens whose activations are read (averaged when more than one): [start, start + count).</summary>
    public (int Start, int Count) ReadSpan(ReadPosition position) => position switch
    {
        ReadPosition.AnswerToken => LetterIndex is int letter ? (letter, 1)
            : throw new ArgumentException("the answer-token read position needs A/B pairs; completion pairs read at the last prompt token or the completion mean"),
        ReadPosition.LastPromptToken => AnswerStart > 0 ? (AnswerStart - 1, 1)
            : throw new ArgumentException("the example has no prompt token before its answer (empty prompt and no BOS)"),
        ReadPosition.CompletionMean => (AnswerStart, Ids.Count - AnswerStart),
        _ => throw new ArgumentOutOfRangeException(nameof(position), position, "unknown read position"),
    };
}

/// <summary>x⁺ and x⁻ of one contrastive pair as token ids.</summary>
public sealed record TokenizedPair(TokenizedExample Positive, TokenizedExample Negative);
