using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;
using Xunit.Abstractions;

namespace SteerLab.Engine.Tests.Worker;

/// <summary>"open-ended" jobs through <see cref="EngineJobExecutor"/> on the built-in demo (the demo folder as the model
/// root): the demo SAS vector with its SAE, raw prompts continued by the demo model, the demo's classifier judge.</summary>
public sealed class OpenEndedJobRunnerTests(ITestOutputHelper output)
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");

    static string VectorDocument(SteeringMethod method) =>
        File.ReadAllText(Path.Combine(DemoFolder, DemoAssets.VectorFolderName, DemoAssets.VectorFileName(DemoContrast.RomanceVsPress, method)));

    const string TwoQuestions = """[{"question": "It was"}, {"question": "She said", "category": "ignored"}]""";

    static OpenEndedJobParameters Parameters(OpenEndedJudgeParameters judge, double[] lambdas, string questionsJson = TwoQuestions, int maxNewTokens = 12) =>
        new(DemoAssets.ModelName, [new SweepVectorParameters(VectorDocument(SteeringMethod.Sas), lambdas, Sae: DemoAssets.SaeFolderName, VectorId: Guid.NewGuid())],
            "demo starts", questionsJson, "The text reads like romance fiction rather than press reportage.", judge,
            MaxQuestions: 20, PromptFormat: "raw", MaxNewTokens: maxNewTokens, Temperature: 1.0, TopP: 0.95, Seed: 7);

    static (EngineJobResult Result, List<EngineJobProgress> Progress) Execute(OpenEndedJobParameters parameters, CancellationToken cancellation = default,
        Action<EngineJobProgress>? onProgress = null)
    {
        using var models = new LoadedModels();
        var executor = new EngineJobExecutor(new ModelRoots([DemoFolder]), models);
        var progress = new List<EngineJobProgress>();
        var request = new EngineJobRequest(Guid.NewGuid(), EngineJobKinds.OpenEnded, parameters.Model, JsonSerializer.Serialize(parameters, EngineJobJson.Options), 1);
        var result = executor.Execute(request, p => { progress.Add(p); onProgress?.Invoke(p); }, cancellation);
        return (result, progress);
    }

    static OpenEndedJobResult ResultOf(EngineJobResult result)
    {
        Assert.True(result.Status == EngineJobStatus.Succeeded, $"{result.Status}: {result.Error}");
        return JsonSerializer.Deserialize<OpenEndedJobResult>(result.ResultJson!, EngineJobJson.Options)!;
    }

    [Fact]
    public void ClassifierJudge_GivesTheUnsteeredAndEachSteeredAnswerPerQuestion_JudgedOnBothItems()
    {
        var (run, progress) = Execute(Parameters(new OpenEndedJudgeParameters("classifier", Contrast: "romance-vs-press"), [0, 8]));
        var result = ResultOf(run);

        Assert.Equal((DemoAssets.ModelName, "demo starts", 2), (result.Model, result.QuestionSetName, result.QuestionCount));
        Assert.Equal("classifier:romance-vs-press", result.Judge);
        var series = Assert.Single(result.Series);
        Assert.Equal(("romance-vs-press SAS", "sas", true), (series.Name, series.Method, series.IsSparse));
        Assert.Equal([0.0, 8.0], series.Lambdas);
        Assert.Equal(2 * (2 + 1), series.Answers.Length); // questions × (λs + the unsteered answer)
        foreach (var question in series.Answers.GroupBy(a => a.QuestionIndex))
        {
            Assert.Equal([null, 0.0, 8.0], question.Select(a => a.Lambda));
            Assert.Single(question.Select(a => a.Question).Distinct());
            // Same prompt, same seed, nothing steered at λ = 0: the very same answer.
            Assert.Equal(question.Single(a => a.Lambda is null).Text, question.Single(a => a.Lambda == 0).Text);
        }
        Assert.Equal(["It was", "She said"], series.Answers.Where(a => a.Lambda is null).Select(a => a.Question));
        Assert.Contains(series.Answers, a => a.Lambda == 8 && a.Text != series.Answers.Single(u => u.Lambda is null && u.QuestionIndex == a.QuestionIndex).Text);

        foreach (var answer in series.Answers)
        {
            output.WriteLine($"q{answer.QuestionIndex} λ={answer.Lambda?.ToString() ?? "-"} [{answer.Finish}] b={answer.Behaviour?.Score:F2} c={answer.Coherence?.Score:F2} {answer.Text.Replace('\n', ' ')}");
            Assert.Contains(answer.Finish, new[] { "stop", "length" });
            foreach (var judgement in new[] { answer.Behaviour!, answer.Coherence! })
            {
                Assert.True(Enum.TryParse<JudgementStatus>(judgement.Status, out var status), judgement.Status);
                if (status == JudgementStatus.Scored) Assert.InRange(judgement.Score!.Value, 0, 10);
                else { Assert.Null(judgement.Score); Assert.False(string.IsNullOrEmpty(judgement.Detail)); }
            }
        }
        Assert.Contains(series.Answers, a => a.Behaviour!.Status == "Scored");
        Assert.Contains(series.Answers, a => a.Coherence!.Status == "Scored");

        // A message per answer, naming vector, λ and question; the last one is the whole job.
        var messages = progress.Select(p => p.Message).ToList();
        Assert.Contains("unsteered, question 1/2", messages);
        Assert.Contains("vector romance-vs-press SAS: λ = 8, question 2/2", messages);
        Assert.Equal(1.0, progress[^1].Fraction, 12);
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.Second.Fraction >= p.First.Fraction), "progress never goes back");
    }

    [Fact]
    public void TwoVectors_ShareOneSetOfUnsteeredAnswers_MadeOnce()
    {
        var parameters = Parameters(new OpenEndedJudgeParameters("classifier", Contrast: "romance-vs-press"), [8], maxNewTokens: 6) with
        {
            Vectors =
            [
                new SweepVectorParameters(VectorDocument(SteeringMethod.Sas), [8], Sae: DemoAssets.SaeFolderName, VectorId: Guid.NewGuid()),
                new SweepVectorParameters(VectorDocument(SteeringMethod.Caa), [2, 4], VectorId: Guid.NewGuid()),
            ],
        };
        var (run, progress) = Execute(parameters);
        var result = ResultOf(run);

        Assert.Equal(2, result.Series.Length);
        var unsteered = result.Series.Select(s => s.Answers.Where(a => a.Lambda is null).ToList()).ToList();
        Assert.Equal(2, unsteered[0].Count);
        Assert.Equal(unsteered[0], unsteered[1]); // the same answers with the same judgements, in each series
        Assert.Equal([2 * 2, 2 * 3], result.Series.Select(s => s.Answers.Length));

        // Made once: one message per unsteered answer, then one per steered answer; 2 + 2×1 + 2×2 answers in all.
        var messages = progress.Select(p => p.Message).ToList();
        Assert.Single(messages, m => m == "unsteered, question 1/2");
        Assert.Single(messages, m => m == "vector romance-vs-press CAA: λ = 4, question 2/2");
        Assert.Equal(8, messages.Count(m => m?.Contains(", question ") == true));
        Assert.Equal(1.0, progress[^1].Fraction, 12);
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.Second.Fraction >= p.First.Fraction), "progress never goes back");
    }

    [Fact]
    public void NoJudge_LeavesEveryJudgementOut()
    {
        var result = ResultOf(Execute(Parameters(new OpenEndedJudgeParameters(OpenEndedJudgeParameters.None), [8], maxNewTokens: 4)).Result);

        Assert.Equal("none", result.Judge);
        var answers = Assert.Single(result.Series).Answers;
        Assert.Equal(2 * 2, answers.Length);
        Assert.All(answers, a => { Assert.Null(a.Behaviour); Assert.Null(a.Coherence); });
    }

    [Fact]
    public void ModelJudge_ScoresWithTheRunsModel_OrRecordsWhyNot()
    {
        var result = ResultOf(Execute(Parameters(new OpenEndedJudgeParameters("model", JudgeModel: DemoAssets.ModelName), [8], maxNewTokens: 4)).Result);

        Assert.Equal($"model:{DemoAssets.ModelName}", result.Judge);
        foreach (var judgement in Assert.Single(result.Series).Answers.SelectMany(a => new[] { a.Behaviour!, a.Coherence! }))
        {
            output.WriteLine($"{judgement.Status} {judgement.Score} {judgement.PromptTokens} {judgement.Detail}");
            // The demo is a base model: it rarely answers a rubric with a score, and then says so (Unparseable, with the distribution).
            Assert.Contains(judgement.Status, new[] { "Scored", "Unparseable", "Failed" });
            Assert.Equal(judgement.Status == "Scored", judgement.Score is not null);
            Assert.True(judgement.PromptTokens > 0 || judgement.Status == "Failed");
        }
    }

    [Theory]
    [InlineData("""[{"question": "It was"}, {"text": "She said"}, {"question": 3}]""", "item 1, field 'question': missing")]
    [InlineData("""{"question": "It was"}""", "expected a JSON array")]
    [InlineData("""[{"question": "It was"}""", "not valid JSON")]
    public void MalformedQuestions_FailTheJobNamingTheProblem(string questionsJson, string problem)
    {
        var (result, _) = Execute(Parameters(new OpenEndedJudgeParameters(OpenEndedJudgeParameters.None), [8], questionsJson));

        Assert.Equal(EngineJobStatus.Failed, result.Status);
        Assert.Contains("questions 'demo starts'", result.Error);
        Assert.Contains(problem, result.Error);
    }

    [Fact]
    public void UnknownContrastOrJudge_FailsListingTheKnownOnes()
    {
        var contrast = Execute(Parameters(new OpenEndedJudgeParameters("classifier", Contrast: "poetry-vs-prose"), [8])).Result;
        Assert.Equal(EngineJobStatus.Failed, contrast.Status);
        Assert.Contains("'poetry-vs-prose' is not a demo contrast (known: romance-vs-press, learned-vs-fiction)", contrast.Error);

        var judge = Execute(Parameters(new OpenEndedJudgeParameters("oracle"), [8])).Result;
        Assert.Equal(EngineJobStatus.Failed, judge.Status);
        Assert.Contains("judge.kind: must be one of classifier, model, none, not 'oracle'", judge.Error);
    }

    [Fact]
    public void Cancelling_WhileAnswering_EndsTheJobCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var (result, progress) = Execute(Parameters(new OpenEndedJudgeParameters(OpenEndedJudgeParameters.None), [0, 4, 8]), cancel.Token,
            p => { if (p.Message?.Contains("question 1/2") == true) cancel.Cancel(); });

        Assert.Equal(EngineJobStatus.Cancelled, result.Status);
        Assert.DoesNotContain(progress, p => p.Message?.Contains("λ = 8") == true);
    }
}
