namespace SteerLab.Engine.Evaluation;

/// <summary>An A/B question ready for the model: the prompt up to (not including) the answer letter, and the
/// token ids of the letter that matches the behaviour and of the other one. p(matching) is the softmax over
/// those two logits at the last prompt position.</summary>
public sealed record AbQuestion(IReadOnlyList<int> PromptIds, int MatchingTokenId, int NotMatchingTokenId);
