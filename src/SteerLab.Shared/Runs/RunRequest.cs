namespace SteerLab.Shared.Runs;

/// <summary>What a user asks for when starting a run (the body of <c>POST /api/runs</c>); stored with the run so that
/// "Re-run" sends it again. Dense vectors (CAA, top-k ENR, SAE-TS) use <see cref="DenseLambdas"/> (α), sparse ones
/// (SAS) <see cref="SparseLambdas"/> (λ).</summary>
/// <param name="Kind">One of <see cref="RunKinds"/>.</param>
/// <param name="Name">Shown in lists; a name is made up from the kind and vectors when empty.</param>
/// <param name="VectorIds">1 to 8 library vectors, all for the same model.</param>
/// <param name="AbSweep">Set when <paramref name="Kind"/> is <see cref="RunKinds.AbSweep"/>.</param>
/// <param name="OpenEnded">Set when <paramref name="Kind"/> is <see cref="RunKinds.OpenEnded"/>.</param>
/// <param name="SideEffects">Set when <paramref name="Kind"/> is <see cref="RunKinds.SideEffects"/>.</param>
public sealed record RunRequest(
    string Kind,
    string? Name,
    IReadOnlyList<Guid> VectorIds,
    IReadOnlyList<double> DenseLambdas,
    IReadOnlyList<double> SparseLambdas,
    bool DeltaCorrection = true,
    AbSweepRunSettings? AbSweep = null,
    OpenEndedRunSettings? OpenEnded = null,
    SideEffectsRunSettings? SideEffects = null)
{
    public const int MaxVectors = 8;
}

/// <summary>An A/B sweep's test set: a saved dataset of A/B questions (CAA <c>test_dataset_ab.json</c> schema).</summary>
public sealed record AbSweepRunSettings(Guid TestSetId, int MaxQuestions = 50);

/// <summary>An open-ended run's questions and judge.</summary>
/// <param name="QuestionsJson">The questions in CAA's <c>test_dataset_open_ended.json</c> schema (a JSON array of
/// objects with a <c>question</c>), as uploaded or typed; stored with the run.</param>
/// <param name="QuestionSetName">A name for the questions, for provenance and lists.</param>
/// <param name="BehaviourDescription">What the behaviour judge scores against, in the user's words.</param>
/// <param name="PromptFormat">"chat" (the question in the model's chat template) or "raw" (the question text is the
/// prompt, for base models continuing a text such as the demo).</param>
/// <param name="MaxQuestions">Only the first this many questions are used.</param>
public sealed record OpenEndedRunSettings(
    string QuestionsJson,
    string QuestionSetName,
    string BehaviourDescription,
    JudgeChoice Judge,
    string PromptFormat = "chat",
    int MaxQuestions = 20,
    int MaxNewTokens = 48,
    double Temperature = 0.7,
    double TopP = 0.95,
    long Seed = 1,
    long? JudgeSeed = null);

/// <summary>Which judge scores an open-ended run.</summary>
/// <param name="Kind">One of <see cref="JudgeKinds"/>.</param>
/// <param name="JudgeSettingId">The team's OpenAI-compatible judge (kind "openai").</param>
/// <param name="Contrast">The demo genre contrast the classifier judges (kind "classifier"), e.g. "romance-vs-press".</param>
/// <param name="JudgeModel">The model folder the model judge uses (kind "model"); null = the run's own model.</param>
public sealed record JudgeChoice(string Kind, Guid? JudgeSettingId = null, string? Contrast = null, string? JudgeModel = null);

/// <summary>A side-effects run's corpora.</summary>
/// <param name="HeldOutDatasetId">A saved dataset whose texts (prompts and completions) are the held-out text for
/// perplexity; null = no perplexity.</param>
/// <param name="BenchmarkIds">Saved A/B datasets (CAA's MMLU / TruthfulQA schema: prompt, correct, incorrect) to score
/// accuracy on.</param>
/// <param name="WindowTokens">Held-out text is cut into windows of this many tokens.</param>
/// <param name="MaxWindows">At most this many windows.</param>
/// <param name="MaxBenchmarkQuestions">The first this many questions of each benchmark.</param>
public sealed record SideEffectsRunSettings(
    Guid? HeldOutDatasetId,
    IReadOnlyList<Guid> BenchmarkIds,
    int WindowTokens = 64,
    int MaxWindows = 64,
    int MaxBenchmarkQuestions = 100);

/// <summary>The started run, or why nothing was started (errors by field name, as ValidationProblem writes them).</summary>
public sealed record RunStart(RunSummary? Run, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Started => Run is not null;
}
