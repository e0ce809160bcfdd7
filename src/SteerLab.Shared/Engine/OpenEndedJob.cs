namespace SteerLab.Shared.Engine;

/// <summary>Parameters of an "open-ended" job (DESIGN §6, Open-ended): for each vector and each λ of its grid, steered
/// answers to the questions, and unsteered answers at the same seed; judged in the engine by the classifier or the
/// model judge, or left unjudged (<see cref="OpenEndedJudgeParameters.Kind"/> "none") for the server's
/// OpenAI-compatible judge to score afterwards. Everything travels in the parameters (a remote worker cannot read
/// the database); nothing secret does.</summary>
/// <param name="Model">A model folder relative to a model root.</param>
/// <param name="Vectors">The vectors, each with its own grid (and SAE folder when sparse).</param>
/// <param name="QuestionsJson">CAA <c>test_dataset_open_ended.json</c> schema: a JSON array of objects with a
/// <c>question</c>.</param>
/// <param name="PromptFormat">"chat" or "raw".</param>
public sealed record OpenEndedJobParameters(
    string Model,
    SweepVectorParameters[] Vectors,
    string QuestionSetName,
    string QuestionsJson,
    string BehaviourDescription,
    OpenEndedJudgeParameters Judge,
    int MaxQuestions = 20,
    string PromptFormat = "chat",
    int MaxNewTokens = 48,
    double Temperature = 0.7,
    double TopP = 0.95,
    long Seed = 1,
    long? JudgeSeed = null,
    bool DeltaCorrection = true);

/// <summary>The judge the engine uses.</summary>
/// <param name="Kind">"classifier" (the demo genre classifier of <paramref name="Contrast"/>), "model" (the rubric
/// read from a model's score-token probabilities; <paramref name="JudgeModel"/> or the run's model) or "none".</param>
public sealed record OpenEndedJudgeParameters(string Kind, string? Contrast = null, string? JudgeModel = null)
{
    public const string None = "none";
}

/// <summary>What an "open-ended" job produced: per vector, every answer with its judgements (null when the engine did
/// not judge).</summary>
/// <param name="Judge">The judge's name as reports show it; "none" when not judged in the engine.</param>
public sealed record OpenEndedJobResult(string Model, string QuestionSetName, int QuestionCount, string Judge, string BehaviourDescription,
    OpenEndedJobSeries[] Series);

/// <summary>One vector's answers: for each question, the unsteered answer (λ null) and one steered answer per λ.</summary>
public sealed record OpenEndedJobSeries(Guid? VectorId, string Name, string Method, bool IsSparse, double[] Lambdas, OpenEndedJobAnswer[] Answers);

/// <param name="Lambda">Null for the unsteered answer.</param>
/// <param name="Finish">"stop" or "length".</param>
public sealed record OpenEndedJobAnswer(int QuestionIndex, string Question, double? Lambda, string Text, string Finish,
    JudgementResult? Behaviour, JudgementResult? Coherence);

/// <summary>A judgement as it travels: <paramref name="Status"/> is SteerLab.Engine.Evaluation.Judges.JudgementStatus
/// as text; <paramref name="Score"/> only when "Scored".</summary>
public sealed record JudgementResult(string Status, double? Score, string RawText, string? Detail, int PromptTokens, int CompletionTokens);
