namespace SteerLab.Shared.Runs;

/// <summary>The kinds of evaluation run (DESIGN §6).</summary>
public static class RunKinds
{
    /// <summary>Vectors × λ grid over an A/B test set: mean p(matching) with a 95% interval per point.</summary>
    public const string AbSweep = "ab-sweep";
    /// <summary>Steered and unsteered answers to open questions over a λ grid, judged on behaviour and coherence.</summary>
    public const string OpenEnded = "open-ended";
    /// <summary>Perplexity inflation on held-out text and accuracy on A/B benchmarks under each vector and λ.</summary>
    public const string SideEffects = "side-effects";

    public static IReadOnlyList<string> All { get; } = [AbSweep, OpenEnded, SideEffects];
}

/// <summary>The rubric items of an open-ended run, as stored and sent.</summary>
public static class RubricItems
{
    public const string Behaviour = "behaviour";
    public const string Coherence = "coherence";

    public static IReadOnlyList<string> All { get; } = [Behaviour, Coherence];
}

/// <summary>The judges an open-ended run can use (<see cref="JudgeChoice.Kind"/>).</summary>
public static class JudgeKinds
{
    /// <summary>The demo's genre classifier (non-LLM): behaviour from the classifier, coherence from perplexity.</summary>
    public const string Classifier = "classifier";
    /// <summary>The engine's loaded model: rubric prompt, score read from the score tokens' probabilities.</summary>
    public const string Model = "model";
    /// <summary>A team's OpenAI-compatible endpoint (<see cref="JudgeSettingView"/>), called by the server.</summary>
    public const string OpenAi = "openai";

    public static IReadOnlyList<string> All { get; } = [Classifier, Model, OpenAi];
}

/// <summary>The server-side judging phase of an open-ended run scored by an OpenAI-compatible judge.</summary>
public enum RunJudgingState
{
    /// <summary>The engine is still generating the answers.</summary>
    WaitingForAnswers,
    Queued,
    Running,
    Succeeded,
    /// <summary>The phase could not go on (the judge setting was deleted, the key cannot be read…); judgements
    /// already made are kept.</summary>
    Failed,
    Cancelled,
}
