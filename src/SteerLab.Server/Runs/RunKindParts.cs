using System.Text;
using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.OpenEnded;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;
using SteerLab.Server.Datasets;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>The kind-specific half of <see cref="RunPlanner"/>: each kind's settings checked against the team's datasets
/// and judges (errors by request field), and turned into the engine job's parameters — the existing "sweep" job for
/// A/B sweeps, "open-ended" and "side-effects" jobs for the others — with what provenance records about them. Numeric
/// bounds are left to the job kinds, which check them for every job.</summary>
sealed class RunKindParts(SteerLabDbContext db, Guid team, FieldErrors errors)
{
    /// <summary>Open questions travel in the request and are stored with the run: far fewer bytes than a dataset upload.</summary>
    public static readonly DatasetLimits QuestionLimits = new() { MaxBytes = 1024 * 1024, MaxRows = 10_000 };
    public const int MaxBenchmarks = 8;
    public const int MaxBehaviourDescription = 4000;
    public const int MaxQuestionSetName = 200;

    public async Task<RunKindPart?> AbSweepAsync(RunRequest request, string model, SweepVectorParameters[] vectors, CancellationToken cancellationToken)
    {
        if (request.AbSweep is not { } settings) { errors.Add("abSweep", "an A/B sweep needs its settings (the test set)"); return null; }
        var testSet = await DatasetAsync(settings.TestSetId, cancellationToken);
        if (testSet is null) errors.Add("abSweep.testSetId", $"there is no dataset {settings.TestSetId}");
        else if (DatasetPairsJson.KindOf(testSet.PairsJson) != DatasetPairKind.AnswerChoice)
            errors.Add("abSweep.testSetId", $"'{testSet.Name}' holds completion pairs; an A/B sweep needs A/B questions (CAA format: question, answer_matching_behavior, answer_not_matching_behavior)");
        if (testSet is null || errors.Count > 0) return null;
        return new RunKindPart(EngineJobKinds.Sweep,
            new SweepJobParameters(model, vectors, testSet.Name, testSet.PairsJson, settings.MaxQuestions, request.DeltaCorrection),
            [new DatasetProvenance("test set", testSet.Id, testSet.Name, testSet.ContentHash, testSet.PairCount, Math.Clamp(settings.MaxQuestions, 0, testSet.PairCount))]);
    }

    public async Task<RunKindPart?> OpenEndedAsync(RunRequest request, string model, SweepVectorParameters[] vectors, CancellationToken cancellationToken)
    {
        if (request.OpenEnded is not { } settings) { errors.Add("openEnded", "an open-ended run needs its settings (questions, behaviour, judge)"); return null; }
        IReadOnlyList<OpenQuestion> questions = [];
        if (string.IsNullOrWhiteSpace(settings.QuestionsJson))
            errors.Add("openEnded.questionsJson", "give the questions: a JSON array of {\"question\": \"…\"} objects (CAA test_dataset_open_ended.json)");
        else
            try { questions = OpenQuestionReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(settings.QuestionsJson), writable: false), "questions", QuestionLimits); }
            catch (DatasetFormatException e) { errors.Add("openEnded.questionsJson", e.Message); }
        string questionSetName = string.IsNullOrWhiteSpace(settings.QuestionSetName) ? "questions" : settings.QuestionSetName.Trim();
        if (questionSetName.Length > MaxQuestionSetName) errors.Add("openEnded.questionSetName", $"at most {MaxQuestionSetName} characters");
        if (string.IsNullOrWhiteSpace(settings.BehaviourDescription))
            errors.Add("openEnded.behaviourDescription", "describe the behaviour the judge and the reviewers score (e.g. \"the answer reads like a romance story\")");
        else if (settings.BehaviourDescription.Length > MaxBehaviourDescription) errors.Add("openEnded.behaviourDescription", $"at most {MaxBehaviourDescription} characters");

        var judge = await JudgeAsync(settings.Judge, model, cancellationToken);
        if (errors.Count > 0 || judge is null) return null;
        var (jobJudge, judgeProvenance, judgeSettingId) = judge.Value;
        var parameters = new OpenEndedJobParameters(model, vectors, questionSetName, settings.QuestionsJson, settings.BehaviourDescription.Trim(), jobJudge,
            settings.MaxQuestions, settings.PromptFormat, settings.MaxNewTokens, settings.Temperature, settings.TopP, settings.Seed, settings.JudgeSeed,
            request.DeltaCorrection);
        return new RunKindPart(EngineJobKinds.OpenEnded, parameters,
            [new DatasetProvenance("questions", null, questionSetName, RunProvenanceFactory.Sha256(settings.QuestionsJson), questions.Count,
                Math.Clamp(settings.MaxQuestions, 0, questions.Count))],
            new SamplingProvenance(settings.Temperature, settings.TopP, settings.Seed, settings.MaxNewTokens, settings.PromptFormat, settings.JudgeSeed),
            judgeProvenance, judgeSettingId,
            // The engine only generates; the server's judge scores the answers once they are stored.
            judgeSettingId is null ? null : RunJudgingState.WaitingForAnswers);
    }

    public async Task<RunKindPart?> SideEffectsAsync(RunRequest request, string model, SweepVectorParameters[] vectors, CancellationToken cancellationToken)
    {
        if (request.SideEffects is not { } settings) { errors.Add("sideEffects", "a side-effects run needs its settings (held-out text, benchmarks)"); return null; }
        var benchmarkIds = (settings.BenchmarkIds ?? []).Distinct().ToList();
        if (settings.HeldOutDatasetId is null && benchmarkIds.Count == 0)
            errors.Add("sideEffects", "choose held-out text for perplexity, at least one A/B benchmark for accuracy, or both");
        if (benchmarkIds.Count > MaxBenchmarks) errors.Add("sideEffects.benchmarkIds", $"at most {MaxBenchmarks} benchmarks, got {benchmarkIds.Count}");
        if (errors.Count > 0) return null;

        var datasets = new List<DatasetProvenance>();
        string heldOutName = "";
        string[] heldOutTexts = [];
        if (settings.HeldOutDatasetId is { } heldOutId)
        {
            var heldOut = await DatasetAsync(heldOutId, cancellationToken);
            if (heldOut is null) errors.Add("sideEffects.heldOutDatasetId", $"there is no dataset {heldOutId}");
            else
            {
                heldOutName = heldOut.Name;
                heldOutTexts = HeldOutTexts(heldOut);
                if (heldOutTexts.Length == 0) errors.Add("sideEffects.heldOutDatasetId", $"'{heldOut.Name}' holds no text");
                datasets.Add(new DatasetProvenance("held-out text", heldOut.Id, heldOut.Name, heldOut.ContentHash, heldOutTexts.Length, heldOutTexts.Length));
            }
        }
        var benchmarks = new List<SideEffectsBenchmarkParameters>();
        foreach (var id in benchmarkIds)
        {
            var benchmark = await DatasetAsync(id, cancellationToken);
            if (benchmark is null) { errors.Add("sideEffects.benchmarkIds", $"there is no dataset {id}"); continue; }
            if (DatasetPairsJson.KindOf(benchmark.PairsJson) != DatasetPairKind.AnswerChoice)
            {
                errors.Add("sideEffects.benchmarkIds", $"'{benchmark.Name}' holds completion pairs; a benchmark needs A/B questions (CAA MMLU / TruthfulQA: prompt, correct, incorrect)");
                continue;
            }
            benchmarks.Add(new SideEffectsBenchmarkParameters(benchmark.Name, benchmark.PairsJson, settings.MaxBenchmarkQuestions));
            datasets.Add(new DatasetProvenance("benchmark", benchmark.Id, benchmark.Name, benchmark.ContentHash, benchmark.PairCount,
                Math.Clamp(settings.MaxBenchmarkQuestions, 0, benchmark.PairCount)));
        }
        if (errors.Count > 0) return null;
        return new RunKindPart(EngineJobKinds.SideEffects,
            new SideEffectsJobParameters(model, vectors, heldOutName, heldOutTexts, [.. benchmarks], settings.WindowTokens, settings.MaxWindows, request.DeltaCorrection),
            datasets);
    }

    /// <summary>The texts of a dataset as held-out text: each pair's prompt, then its completions, in order, without
    /// empty texts or repeats (plain datasets repeat prompts; the demo's are empty).</summary>
    public static string[] HeldOutTexts(Dataset dataset)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var texts = new List<string>();
        foreach (var pair in DatasetPairsJson.Read(dataset.PairsJson, dataset.Name).Pairs)
            foreach (string text in (string[])[pair.Prompt, pair.Positive, pair.Negative])
                if (!string.IsNullOrWhiteSpace(text) && seen.Add(text)) texts.Add(text);
        return [.. texts];
    }

    async Task<(OpenEndedJudgeParameters Job, JudgeProvenance Provenance, Guid? SettingId)?> JudgeAsync(JudgeChoice? choice, string model,
        CancellationToken cancellationToken)
    {
        if (choice is null) { errors.Add("openEnded.judge", $"choose a judge: one of {string.Join(", ", JudgeKinds.All)}"); return null; }
        switch (choice.Kind)
        {
            case JudgeKinds.Classifier:
                var contrast = DemoContrast.All.FirstOrDefault(c => c.Id == choice.Contrast);
                if (contrast is null)
                {
                    errors.Add("openEnded.judge.contrast", $"the classifier judge scores one of the demo's contrasts: {string.Join(", ", DemoContrast.All.Select(c => c.Id))}; got '{choice.Contrast}'");
                    return null;
                }
                return (new OpenEndedJudgeParameters(JudgeKinds.Classifier, Contrast: contrast.Id),
                    new JudgeProvenance(JudgeKinds.Classifier, $"classifier:{contrast.Id}", null, null, null, null, null, null), null);
            case JudgeKinds.Model:
                string judgeModel = string.IsNullOrWhiteSpace(choice.JudgeModel) ? model : choice.JudgeModel;
                if (ModelRoots.CheckName(judgeModel) is { } problem) { errors.Add("openEnded.judge.judgeModel", problem); return null; }
                return (new OpenEndedJudgeParameters(JudgeKinds.Model, JudgeModel: choice.JudgeModel),
                    new JudgeProvenance(JudgeKinds.Model, $"model:{judgeModel}", null, judgeModel, null, null, null, null), null);
            case JudgeKinds.OpenAi:
                if (choice.JudgeSettingId is not { } settingId) { errors.Add("openEnded.judge.judgeSettingId", "choose one of the team's judges"); return null; }
                var setting = await db.JudgeSettings.AsNoTracking().SingleOrDefaultAsync(j => j.Id == settingId && j.TeamId == team, cancellationToken);
                if (setting is null) { errors.Add("openEnded.judge.judgeSettingId", $"there is no judge {settingId}"); return null; }
                // Everything about the endpoint but its key.
                return (new OpenEndedJudgeParameters(OpenEndedJudgeParameters.None),
                    new JudgeProvenance(JudgeKinds.OpenAi, setting.Name, setting.BaseUrl, setting.Model, setting.MaxConcurrency, setting.TimeoutSeconds,
                        setting.MaxRetries, setting.Temperature), setting.Id);
            default:
                errors.Add("openEnded.judge.kind", $"must be one of {string.Join(", ", JudgeKinds.All)}, not '{choice.Kind}'");
                return null;
        }
    }

    Task<Dataset?> DatasetAsync(Guid id, CancellationToken cancellationToken) =>
        db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id && d.TeamId == team, cancellationToken);
}
