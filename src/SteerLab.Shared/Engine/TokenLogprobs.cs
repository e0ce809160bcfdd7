namespace SteerLab.Shared.Engine;

/// <summary>A generated token with how likely the model found it and its strongest alternatives at that step. The
/// logprobs are natural logs of the model's raw distribution (log-softmax of the logits at temperature 1, before any
/// top-k/top-p cut), as OpenAI reports them, whatever sampling picked the token.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Text">The text this token added to the answer (may be "" when it only starts a multi-byte character;
/// the following token's text then completes it); null when the model has no tokenizer.</param>
/// <param name="Logprob">Natural-log probability of this token.</param>
/// <param name="Top">The most likely tokens at that step, most likely first.</param>
public sealed record TokenLogprobs(int Id, string? Text, double Logprob, TokenAlternativeLogprob[] Top);

/// <summary>A token the model could have produced instead.</summary>
/// <param name="Text">Its text, decoded after the previous token (approximate for partial characters); null without a tokenizer.</param>
public sealed record TokenAlternativeLogprob(int Id, string? Text, double Logprob);
