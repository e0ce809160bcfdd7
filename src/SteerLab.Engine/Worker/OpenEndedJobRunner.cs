using System.Globalization;
using System.Text;
using System.Text.Json;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Evaluation.OpenEnded;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of an "open-ended" job (DESIGN §6, Open-ended): reads the questions that came with the job
/// (CAA <c>test_dataset_open_ended.json</c> schema), then for each vector runs <see cref="OpenEndedRunner"/> over its own
/// grid on the (leased) model with the chosen judge (<see cref="OpenEndedJobJudge"/>). Each series carries, per
/// question, the unsteered answer (λ null) and one steered answer per λ; the unsteered answers do not depend on the vector
/// (same prompts, same seed), so they are generated and judged once and shared by every series.
/// Progress is one step per answer ("unsteered, question 3/20", then "vector X: λ = 2, question 3/20"); cancellation is
/// checked between tokens and judgements by the runner.</summary>
static class OpenEndedJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, LoadedModels models, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<OpenEndedJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the open-ended job has no parameters");
        JobVectors.CheckGrids(parameters.Vectors, "the open-ended job");
        if (parameters.MaxQuestions < 1) throw new ArgumentException($"maxQuestions must be at least 1, got {parameters.MaxQuestions}");
        var format = parameters.PromptFormat switch
        {
            "chat" => OpenPromptFormat.Chat,
            "raw" => OpenPromptFormat.Raw,
            _ => throw new ArgumentException($"promptFormat: must be \"chat\" or \"raw\", not '{parameters.PromptFormat}'"),
        };
        OpenEndedJobJudge.Check(parameters.Judge);
        string modelName = request.Model ?? parameters.Model;
        string modelDir = roots.Resolve(modelName);
        var questions = ReadQuestions(parameters).Take(parameters.MaxQuestions).ToList();
        var settings = new OpenEndedSettings
        {
            BehaviourDescription = parameters.BehaviourDescription,
            PromptFormat = format,
            MaxNewTokens = parameters.MaxNewTokens,
            Sampling = new SamplingSettings(Temperature: parameters.Temperature, TopP: parameters.TopP, Seed: parameters.Seed),
            DeltaCorrection = parameters.DeltaCorrection,
            JudgeSeed = parameters.JudgeSeed,
        };
        settings.Validate();

        progress(new EngineJobProgress(request.JobId, 0, $"loading {modelName}"));
        using var lease = models.Acquire(modelDir, cancellation);
        var tokenizer = lease.Tokenizer ?? throw new ArgumentException($"model '{modelName}' has no tokenizer: open-ended answers are text");
        using var vectors = JobVectors.Read(parameters.Vectors, lease.Model, roots);
        using var judge = OpenEndedJobJudge.Create(parameters.Judge, lease, modelName, modelDir, roots, models, cancellation);
        var runner = new OpenEndedRunner(lease.Model, tokenizer, lease.ChatTemplate);

        // The unsteered answers do not depend on the vector: made once, then shared by every vector's series.
        int total = questions.Count + parameters.Vectors.Sum(v => questions.Count * v.Lambdas.Length);
        var unsteered = runner.AnswerUnsteeredAsync(questions, judge.Judge, settings,
            new AnswerProgress("unsteered", index => $"unsteered, question {index + 1}/{questions.Count}", 0, total, request.JobId, progress),
            cancellation).GetAwaiter().GetResult(); // the judges score synchronously; this thread is the job's own
        int doneBefore = questions.Count;
        var series = new OpenEndedJobSeries[vectors.Vectors.Count];
        for (int i = 0; i < series.Length; i++)
        {
            var (vector, _, vectorParameters) = vectors.Vectors[i];
            var lambdas = vectorParameters.Lambdas;
            string Describe(int index) =>
                string.Create(CultureInfo.InvariantCulture, $"vector {vector.Name}: λ = {lambdas[index / questions.Count]:0.###}, question {index % questions.Count + 1}/{questions.Count}");
            var answerProgress = new AnswerProgress($"vector {vector.Name}", Describe, doneBefore, total, request.JobId, progress);
            var report = runner.RunAsync(questions, SteeringGrid.Of(vector, lambdas), judge.Judge, settings, vectors.Vectors[i].SaeResolver,
                answerProgress, cancellation, unsteered).GetAwaiter().GetResult();
            series[i] = new OpenEndedJobSeries(vectorParameters.VectorId, vector.Name, vectors.Vectors[i].MethodName, vector.IsSparse, lambdas,
                Answers(report, judge.Judges));
            doneBefore += questions.Count * lambdas.Length;
        }
        var result = new OpenEndedJobResult(modelName, parameters.QuestionSetName, questions.Count, judge.Name, parameters.BehaviourDescription, series);
        return JsonSerializer.Serialize(result, EngineJobJson.Options);
    }

    /// <exception cref="ArgumentException">The questions are not valid JSON in CAA's schema (item and field named).</exception>
    static IReadOnlyList<OpenQuestion> ReadQuestions(OpenEndedJobParameters parameters)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(parameters.QuestionsJson ?? "");
        string source = $"questions '{parameters.QuestionSetName}'";
        // The server bounded the request; here the limit is just the text that came.
        var limits = new DatasetLimits { MaxBytes = Math.Max(1, bytes.Length), MaxRows = int.MaxValue };
        try { return OpenQuestionReader.Read(new MemoryStream(bytes, writable: false), source, limits); }
        catch (DatasetFormatException e) { throw new ArgumentException(e.Message, e); }
    }

    /// <summary>Per question: the unsteered answer, then the steered answer at each λ in the grid's order.</summary>
    static OpenEndedJobAnswer[] Answers(OpenEndedReport report, bool judged)
    {
        var answers = new List<OpenEndedJobAnswer>(report.Items.Count + report.QuestionCount);
        foreach (var items in report.Items.GroupBy(i => i.QuestionIndex).OrderBy(g => g.Key))
        {
            var first = items.First();
            answers.Add(Answer(first.QuestionIndex, first.Question, null, first.Unsteered, judged));
            foreach (var item in items) answers.Add(Answer(item.QuestionIndex, item.Question, item.Lambda, item.Steered, judged));
        }
        return [.. answers];
    }

    static OpenEndedJobAnswer Answer(int questionIndex, string question, double? lambda, JudgedAnswer answer, bool judged) =>
        new(questionIndex, question, lambda, answer.Text, answer.Finish == FinishReason.Stop ? "stop" : "length",
            judged ? Result(answer.Behaviour) : null, judged ? Result(answer.Coherence) : null);

    static JudgementResult Result(Judgement judgement) =>
        new(judgement.Status.ToString(), judgement.Score, judgement.RawText, judgement.Detail, judgement.PromptTokens, judgement.CompletionTokens);

    /// <summary>Turns the runner's answer count into the job's progress: a message per answer (<paramref name="describe"/>
    /// names the answer from its 0-based index in the phase), the runner's stage otherwise ("vector X: generating steered
    /// answers, λ = 2"). Reports on the runner's own thread (<see cref="Progress{T}"/> would post to the thread pool, out
    /// of order).</summary>
    sealed class AnswerProgress(string phase, Func<int, string> describe, int doneBefore, int total, Guid jobId,
        Action<EngineJobProgress> report) : IProgress<OpenEndedProgress>
    {
        int lastDone = -1;

        public void Report(OpenEndedProgress value)
        {
            double fraction = (doneBefore + value.Done) / (double)Math.Max(1, total);
            bool answered = value.Done > 0 && value.Done != lastDone;
            lastDone = value.Done;
            report(new EngineJobProgress(jobId, fraction, answered ? describe(value.Done - 1) : $"{phase}: {value.Stage}"));
        }
    }
}
