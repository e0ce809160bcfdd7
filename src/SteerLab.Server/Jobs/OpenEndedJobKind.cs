using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Evaluation.OpenEnded;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;
using SteerLab.Server.Datasets;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Jobs;

/// <summary>"open-ended": steered and unsteered answers to open questions over each vector's λ grid, judged in the engine
/// or left for the server's judge (<see cref="OpenEndedJobParameters"/>, DESIGN §6). When the job belongs to an
/// evaluation run, its answers and judgements become the run's rows together with the job's end.
/// <para>Idempotent although it samples: every answer is drawn with the job's fixed seed (each row its own sampler, so
/// batching changes nothing), so a re-run after a lost engine gives the same answers; and its rows are written only with
/// the final state, once.</para></summary>
public sealed class OpenEndedJobKind(IOptions<SteerLabOptions> options, IOptions<DatasetOptions> datasetOptions, ModelRoots modelRoots,
    TimeProvider time) : IJobKind
{
    public const int MaxMaxQuestions = 500;
    public const int MaxBehaviourDescriptionCharacters = 4000;
    public const int MaxNameCharacters = 200;
    /// <summary>Answers one job may generate (vectors × questions × (λs + 1)): its whole result travels as one message
    /// from a worker (SteerLab:Limits:EngineHubMessageBytes, 16 MB by default) and becomes that many rows.</summary>
    public const int MaxAnswers = 20_000;
    /// <summary>Answers × max new tokens: bounds the result's text (a few bytes per token) within that message.</summary>
    public const long MaxGeneratedTokens = 2_000_000;
    /// <summary>The column limits of <see cref="RunJudgement"/> (Data/RunsModel.cs).</summary>
    const int RawTextColumn = 4096, DetailColumn = 1000, JudgeColumn = 300;

    static readonly string[] PromptFormats = ["chat", "raw"];
    static readonly string[] EngineJudgeKinds = [JudgeKinds.Classifier, JudgeKinds.Model, OpenEndedJudgeParameters.None];

    public string Name => EngineJobKinds.OpenEnded;
    public bool IsIdempotent => true;

    public JobKindValidation Validate(JsonElement parameters)
    {
        var (p, refusal) = JobParameters.Parse<OpenEndedJobParameters>(parameters);
        if (p is null) return refusal!;
        var check = new EvaluationJobChecks(options.Value.Engine.Mode == EngineOptions.InProcess, modelRoots);
        check.Model("model", p.Model);
        check.Vectors(p.Vectors);

        int questions = 0;
        if (string.IsNullOrWhiteSpace(p.QuestionsJson)) check.Add("questionsJson", "give the questions (a JSON array of {\"question\": …} objects)");
        else
        {
            try { questions = OpenQuestionReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(p.QuestionsJson), writable: false), "questionsJson", datasetOptions.Value.ReaderLimits).Count; }
            catch (DatasetFormatException e) { check.Add("questionsJson", e.Message); }
        }
        if (string.IsNullOrWhiteSpace(p.QuestionSetName) || p.QuestionSetName.Length > MaxNameCharacters) check.Add("questionSetName", $"give the questions a name of 1 to {MaxNameCharacters} characters");
        if (string.IsNullOrWhiteSpace(p.BehaviourDescription) || p.BehaviourDescription.Length > MaxBehaviourDescriptionCharacters)
            check.Add("behaviourDescription", $"describe the behaviour the judge scores, in 1 to {MaxBehaviourDescriptionCharacters} characters");
        if (p.MaxQuestions is < 1 or > MaxMaxQuestions) check.Add("maxQuestions", $"must be between 1 and {MaxMaxQuestions}, got {p.MaxQuestions}");
        int maxNewTokens = options.Value.Limits.MaxNewTokens;
        // Refused, never cut short, as for generate jobs.
        if (p.MaxNewTokens < 1 || p.MaxNewTokens > maxNewTokens)
            check.Add("maxNewTokens", $"must be between 1 and {maxNewTokens} (the server's limit, {Limits.LimitOptions.SectionName}:MaxNewTokens), got {p.MaxNewTokens}");
        if (!double.IsFinite(p.Temperature) || p.Temperature < 0 || p.Temperature > 100) check.Add("temperature", $"must be a number in [0, 100] (0 = greedy), got {p.Temperature}");
        if (!(p.TopP > 0 && p.TopP <= 1)) check.Add("topP", $"must be in (0, 1], got {p.TopP}");
        if (!PromptFormats.Contains(p.PromptFormat)) check.Add("promptFormat", $"must be \"chat\" or \"raw\", not '{p.PromptFormat}'");
        CheckJudge(check, p.Judge);

        if (check.ErrorCount == 0)
        {
            long answers = p.Vectors.Sum(v => (long)Math.Min(questions, p.MaxQuestions) * (v.Lambdas.Length + 1));
            if (answers > MaxAnswers) check.Add("maxQuestions", $"the run would generate {answers} answers (vectors × questions × (λs + 1)), more than {MaxAnswers}");
            else if (answers * p.MaxNewTokens > MaxGeneratedTokens)
                check.Add("maxNewTokens", $"{answers} answers of up to {p.MaxNewTokens} tokens is more than {MaxGeneratedTokens} tokens in all");
        }
        return check.Result(p, p.Model);
    }

    void CheckJudge(EvaluationJobChecks check, OpenEndedJudgeParameters? judge)
    {
        if (judge is null) { check.Add("judge", "choose a judge: {\"kind\": \"classifier\" | \"model\" | \"none\"}"); return; }
        if (!EngineJudgeKinds.Contains(judge.Kind)) { check.Add("judge.kind", $"must be one of {string.Join(", ", EngineJudgeKinds)}, not '{judge.Kind}'"); return; }
        if (judge.Kind == JudgeKinds.Classifier && !DemoContrast.All.Any(c => c.Id == judge.Contrast))
            check.Add("judge.contrast", $"the classifier judges a demo contrast: one of {string.Join(", ", DemoContrast.All.Select(c => c.Id))}, not '{judge.Contrast}'");
        if (judge.Kind == JudgeKinds.Model && judge.JudgeModel is not null) check.Model("judge.judgeModel", judge.JudgeModel);
    }

    /// <summary>When the job is an evaluation run's (the run row with this JobId, created with the job), stores its
    /// answers — per series, the unsteered answer and each steered one — and the engine's judgements of them, and moves
    /// a run that waits for answers to be judged on the server to Queued. A job started through /api/jobs alone has no
    /// run: its result JSON is all there is.</summary>
    public async Task PersistResultAsync(SteerLabDbContext db, Job job, string resultJson, CancellationToken cancellation)
    {
        var run = await db.Runs.SingleOrDefaultAsync(r => r.JobId == job.Id, cancellation);
        if (run is null) return;
        OpenEndedJobResult? result;
        try { result = JsonSerializer.Deserialize<OpenEndedJobResult>(resultJson, EngineJobJson.Options); }
        catch (JsonException e) { Fail(job, $"the engine's result is not an open-ended result: {e.Message}"); return; }
        if (result?.Series is null) { Fail(job, "the engine returned no answers"); return; }
        // The job ends once (JobStore only completes a running attempt); a run that already has answers keeps them.
        if (await db.RunAnswers.AnyAsync(a => a.RunId == run.Id, cancellation)) return;

        var stored = new List<(RunAnswer Row, OpenEndedJobAnswer Answer)>();
        for (int series = 0; series < result.Series.Length; series++)
            foreach (var answer in result.Series[series].Answers ?? [])
            {
                var row = new RunAnswer
                {
                    RunId = run.Id, Series = series, QuestionIndex = answer.QuestionIndex, Question = answer.Question, Lambda = answer.Lambda,
                    Text = answer.Text, Finish = answer.Finish,
                };
                db.RunAnswers.Add(row);
                stored.Add((row, answer));
            }
        // The judgements refer to the answers' ids, which the database gives; this is inside the job's final transaction.
        await db.SaveChangesAsync(cancellation);

        var now = time.GetUtcNow().UtcDateTime;
        string judge = Truncate(result.Judge, JudgeColumn)!;
        foreach (var (row, answer) in stored)
            foreach (var (item, judgement) in new[] { (RubricItems.Behaviour, answer.Behaviour), (RubricItems.Coherence, answer.Coherence) })
                if (judgement is not null)
                    db.RunJudgements.Add(new RunJudgement
                    {
                        RunId = run.Id, AnswerId = row.Id, Item = item, Judge = judge, Status = judgement.Status,
                        Score = judgement.Status == nameof(JudgementStatus.Scored) ? judgement.Score : null,
                        RawText = Truncate(judgement.RawText, RawTextColumn) ?? "", Detail = Truncate(judgement.Detail, DetailColumn),
                        PromptTokens = judgement.PromptTokens, CompletionTokens = judgement.CompletionTokens, CreatedAt = now,
                    });
        if (run.JudgingState == RunJudgingState.WaitingForAnswers) run.JudgingState = RunJudgingState.Queued;
    }

    /// <summary>At most <paramref name="length"/> characters, never ending in half a surrogate pair.</summary>
    static string? Truncate(string? text, int length)
    {
        if (text is null || text.Length <= length) return text;
        return text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];
    }

    static void Fail(Job job, string error)
    {
        job.State = JobState.Failed;
        job.Error = error;
        job.Message = "failed";
        job.ResultJson = null;
    }
}
