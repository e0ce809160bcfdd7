using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Worker;
using SteerLab.Server.Data;
using SteerLab.Server.Jobs;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;
using static SteerLab.Server.Tests.Jobs.DemoEvaluationJobs;

namespace SteerLab.Server.Tests.Jobs;

/// <summary>"open-ended" jobs on the real host over the built-in demo: what POST /api/jobs refuses, how a finished job's
/// answers and judgements become its evaluation run's rows, and a whole job run by the in-process engine.</summary>
public sealed class OpenEndedJobKindTests
{
    static readonly TimeSpan JobWait = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task CreateJob_RefusesBadParameters_NamingEach()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();
        var valid = OpenEnded();

        var many = await PostExpecting400(client, EngineJobKinds.OpenEnded, valid with
        {
            Vectors = [.. Enumerable.Range(0, 9).Select(_ => SasVector(1))],
            QuestionsJson = """[{"question": "It was"}, {"text": "no question"}]""",
            MaxQuestions = 501,
            MaxNewTokens = 4097,
            Temperature = -1,
            TopP = 0,
            PromptFormat = "markdown",
        });
        Assert.Contains(many["vectors"], e => e.Contains("1 to 8 vectors"));
        Assert.Contains(many["questionsJson"], e => e.Contains("item 1, field 'question': missing"));
        Assert.Contains(many["maxQuestions"], e => e.Contains("between 1 and 500"));
        Assert.Contains(many["maxNewTokens"], e => e.Contains("between 1 and 4096") && e.Contains("SteerLab:Limits:MaxNewTokens"));
        Assert.True(many.ContainsKey("temperature") && many.ContainsKey("topP"));
        Assert.Contains(many["promptFormat"], e => e.Contains("\"chat\" or \"raw\""));

        var grid = await PostExpecting400(client, EngineJobKinds.OpenEnded, valid with { Vectors = [SasVector(), SasVector(1, 1)], Model = "no-such-model" });
        Assert.Contains(grid["vectors[0].lambdas"], e => e.Contains("at least one coefficient"));
        Assert.Contains(grid["vectors[1].lambdas"], e => e.Contains("repeated"));
        Assert.Contains(grid["model"], e => e.Contains("not found under the model roots"));

        var judge = await PostExpecting400(client, EngineJobKinds.OpenEnded, valid with { Judge = new OpenEndedJudgeParameters("openai") });
        Assert.Contains(judge["judge.kind"], e => e.Contains("classifier, model, none"));
        var contrast = await PostExpecting400(client, EngineJobKinds.OpenEnded, valid with { Judge = new OpenEndedJudgeParameters("classifier", Contrast: "poetry") });
        Assert.Contains(contrast["judge.contrast"], e => e.Contains("romance-vs-press, learned-vs-fiction"));
        var judgeModel = await PostExpecting400(client, EngineJobKinds.OpenEnded, valid with { Judge = new OpenEndedJudgeParameters("model", JudgeModel: "../elsewhere") });
        Assert.Contains(judgeModel["judge.judgeModel"], e => e.Contains("'..' is not allowed"));

        var empty = await PostExpecting400(client, EngineJobKinds.OpenEnded, valid with { QuestionsJson = "", BehaviourDescription = " " });
        Assert.True(empty.ContainsKey("questionsJson") && empty.ContainsKey("behaviourDescription"));
        await using var db = server.CreateDbContext();
        Assert.Empty(db.Jobs); // nothing was queued
    }

    [Fact]
    public async Task PersistResult_StoresTheRunsAnswersAndJudgements_AndQueuesTheServerJudge()
    {
        await using var server = NewDemoServer();
        var kind = server.Services.GetRequiredService<JobKindCatalog>().Find(EngineJobKinds.OpenEnded)!;
        var (job, run) = await ArrangeJobAndRunAsync(server, RunJudgingState.WaitingForAnswers);
        string longRaw = new('x', 5000);
        var result = new OpenEndedJobResult(DemoAssets.ModelName, "demo starts", 1, "classifier:romance-vs-press", "romance",
        [
            new OpenEndedJobSeries(Guid.NewGuid(), "first", "sas", true, [4],
            [
                new OpenEndedJobAnswer(0, "It was", null, " a day", "length",
                    new JudgementResult("Scored", 6.5, "ratio 0.2", null, 0, 0), new JudgementResult("NotAvailable", null, "", "no model", 0, 0)),
                new OpenEndedJobAnswer(0, "It was", 4, " a kiss", "stop",
                    new JudgementResult("Scored", 9.25, longRaw, null, 12, 1), new JudgementResult("Failed", null, "", new string('d', 1500), 0, 0)),
            ]),
            new OpenEndedJobSeries(null, "second", "caa", false, [2],
            [
                new OpenEndedJobAnswer(0, "It was", null, " a day", "length", null, null),
                new OpenEndedJobAnswer(0, "It was", 2, " a vote", "length", null, null),
            ]),
        ]);

        await using (var db = server.CreateDbContext())
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var tracked = await db.Jobs.SingleAsync(j => j.Id == job);
            await kind.PersistResultAsync(db, tracked, JsonSerializer.Serialize(result, EngineJobJson.Options), CancellationToken.None);
            await db.SaveChangesAsync();
            // Read inside the transaction: the server's own judging service may pick the run up once it is committed.
            Assert.Equal(RunJudgingState.Queued, (await db.Runs.AsNoTracking().SingleAsync(r => r.Id == run)).JudgingState);
            await transaction.CommitAsync();
        }

        await using var check = server.CreateDbContext();
        var answers = await check.RunAnswers.Where(a => a.RunId == run).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(new (int, double?, string)[] { (0, null, " a day"), (0, 4, " a kiss"), (1, null, " a day"), (1, 2, " a vote") },
            answers.Select(a => (a.Series, a.Lambda, a.Text)));
        Assert.All(answers, a => Assert.Equal((0, "It was"), (a.QuestionIndex, a.Question)));
        Assert.Equal(["length", "stop", "length", "length"], answers.Select(a => a.Finish));

        var judgements = await check.RunJudgements.Where(j => j.RunId == run).ToListAsync();
        Assert.Equal(4, judgements.Count); // the second series was not judged in the engine: no rows
        Assert.All(judgements, j => Assert.Equal("classifier:romance-vs-press", j.Judge));
        var kiss = judgements.Where(j => j.AnswerId == answers[1].Id).ToDictionary(j => j.Item);
        Assert.Equal(("Scored", (double?)9.25, 4096, 12), (kiss[RubricItems.Behaviour].Status, kiss[RubricItems.Behaviour].Score, kiss[RubricItems.Behaviour].RawText.Length, kiss[RubricItems.Behaviour].PromptTokens));
        Assert.Equal(("Failed", (double?)null, 1000), (kiss[RubricItems.Coherence].Status, kiss[RubricItems.Coherence].Score, kiss[RubricItems.Coherence].Detail!.Length));
        var day = judgements.Where(j => j.AnswerId == answers[0].Id).ToDictionary(j => j.Item);
        Assert.Equal(("NotAvailable", "no model"), (day[RubricItems.Coherence].Status, day[RubricItems.Coherence].Detail));
    }

    [Fact]
    public async Task PersistResult_OfAJobWithoutARun_StoresNothingBeyondItsResult()
    {
        await using var server = NewDemoServer();
        var kind = server.Services.GetRequiredService<JobKindCatalog>().Find(EngineJobKinds.OpenEnded)!;
        var (job, _) = await ArrangeJobAndRunAsync(server, judgingState: null, withRun: false);
        var result = new OpenEndedJobResult(DemoAssets.ModelName, "q", 1, "none", "romance",
            [new OpenEndedJobSeries(null, "v", "caa", false, [1], [new OpenEndedJobAnswer(0, "It was", null, " a day", "length", null, null)])]);

        await using var db = server.CreateDbContext();
        var tracked = await db.Jobs.SingleAsync(j => j.Id == job);
        await kind.PersistResultAsync(db, tracked, JsonSerializer.Serialize(result, EngineJobJson.Options), CancellationToken.None);
        await db.SaveChangesAsync();

        Assert.Empty(db.RunAnswers);
        Assert.Equal(JobState.Succeeded, tracked.State);
    }

    [Fact]
    public async Task OpenEndedJob_WithTheClassifierJudge_RunsOnTheDemo_AndFillsItsRun()
    {
        await using var server = NewDemoServer();
        var client = server.CreateClient();
        var parameters = OpenEnded();
        var store = server.Services.GetRequiredService<JobStore>();
        var kind = server.Services.GetRequiredService<JobKindCatalog>().Find(EngineJobKinds.OpenEnded)!;
        var validation = kind.Validate(JsonSerializer.SerializeToElement(parameters, EngineJobJson.Options));
        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.SelectMany(e => e.Value)));
        Guid runId = Guid.NewGuid();

        // As the run service starts a run: the job and its run row in one transaction.
        var job = await store.CreateAsync(kind.Name, validation.ParametersJson!, validation.Model, Team.DefaultId,
            (db, queued) => db.Runs.Add(NewRun(runId, queued.Id, judgingState: null)), CancellationToken.None);
        server.Services.GetRequiredService<JobWakeup>().Signal();
        var done = await new JobApi(client).WaitForAsync(job.Id, j => j.State.IsFinal(), "finished", JobWait);

        Assert.True(done.State == JobState.Succeeded, JobApi.Describe(done));
        var result = done.Result!.Value.Deserialize<OpenEndedJobResult>(JobApi.Json)!;
        Assert.Equal(("classifier:romance-vs-press", 2), (result.Judge, result.QuestionCount));
        await using var check = server.CreateDbContext();
        var answers = await check.RunAnswers.Where(a => a.RunId == runId).ToListAsync();
        Assert.Equal(2 * 3, answers.Count);
        Assert.Equal(2, answers.Count(a => a.Lambda is null));
        var judgements = await check.RunJudgements.Where(j => j.RunId == runId).ToListAsync();
        Assert.Equal(answers.Count * 2, judgements.Count);
        Assert.All(judgements.Where(j => j.Status == "Scored"), j => Assert.InRange(j.Score!.Value, 0, 10));
        Assert.Null((await check.Runs.SingleAsync(r => r.Id == runId)).JudgingState); // judged in the engine: no server phase
    }

    static EvaluationRun NewRun(Guid id, Guid jobId, RunJudgingState? judgingState) => new()
    {
        Id = id, TeamId = Team.DefaultId, Kind = RunKinds.OpenEnded, Name = "test run", Model = DemoAssets.ModelName, JobId = jobId,
        RequestJson = "{}", ProvenanceJson = "{}", CreatedAt = DateTime.UtcNow, JudgingState = judgingState,
    };

    /// <summary>A running open-ended job row and (unless <paramref name="withRun"/> is false) its run, written directly.</summary>
    static async Task<(Guid Job, Guid Run)> ArrangeJobAndRunAsync(SteerLabServer server, RunJudgingState? judgingState, bool withRun = true)
    {
        await using var db = server.CreateDbContext();
        var job = new Job
        {
            Id = Guid.NewGuid(), TeamId = Team.DefaultId, Kind = EngineJobKinds.OpenEnded, Model = DemoAssets.ModelName, ParametersJson = "{}",
            // Already ended, so the scheduler leaves the row alone while the test calls the kind itself.
            State = JobState.Succeeded, Attempts = 1, CreatedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow,
        };
        db.Jobs.Add(job);
        var runId = Guid.NewGuid();
        if (withRun) db.Runs.Add(NewRun(runId, job.Id, judgingState));
        await db.SaveChangesAsync();
        return (job.Id, runId);
    }
}
