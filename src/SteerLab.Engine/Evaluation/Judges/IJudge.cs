namespace SteerLab.Engine.Evaluation.Judges;

/// <summary>Scores answers on the rubric (DESIGN §6, Judges). Implementations: <see cref="ModelJudge"/> (the engine's
/// loaded model, score read from the score tokens' probabilities), <see cref="ClassifierJudge"/> (the demo's genre
/// classifier), and the server's OpenAI-compatible HTTP judge (its reply parsed with <see cref="JudgeAnswerParser"/>).
/// <para>Contract: return a <see cref="Judgement"/> for every answer — an unparseable reply, a refusal or a transport
/// error is a judgement with that status and the raw text, not an exception. Throw only
/// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled. (The runners
/// still record any other exception as <see cref="JudgementStatus.Failed"/>.)</para></summary>
public interface IJudge
{
    /// <summary>A short name for reports ("model:gemma-2-2b-it", "classifier:romance-vs-press").</summary>
    string Name { get; }

    Task<Judgement> ScoreAsync(JudgeRequest request, CancellationToken cancellationToken);
}
