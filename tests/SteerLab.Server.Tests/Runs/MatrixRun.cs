using System.Text.Json;
using SteerLab.Server.Data;
using SteerLab.Server.Runs;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Tests.Runs;

/// <summary>An open-ended run for the authorisation matrix, written as rows: its job has ended (so cancelling answers 409
/// and nothing needs an engine), it has one answer to review, and its stored request is valid (so an editor's re-run
/// is accepted: 201).</summary>
static class MatrixRun
{
    public static async Task<(Guid RunId, long AnswerId)> InsertAsync(SteerLabServer server, Guid team, Guid vectorId)
    {
        var now = DateTime.UtcNow;
        var request = new RunRequest(RunKinds.OpenEnded, "Team A secret run", [vectorId], [0, 4], [0, 16],
            OpenEnded: new OpenEndedRunSettings("""[{"question": "It was"}]""", "starts", "reads like romance",
                new JudgeChoice(JudgeKinds.Classifier, Contrast: "romance-vs-press"), PromptFormat: "raw", MaxQuestions: 1, MaxNewTokens: 4));
        var provenance = new RunProvenance("steerlab-brown-demo", null, "matrix", [new VectorProvenance(vectorId, "Team A secret vector", "caa", "abc", null, null)],
            [new DatasetProvenance("questions", null, "starts", "hash", 1, 1)], [0, 4], [0, 16], true, null,
            new JudgeProvenance(JudgeKinds.Classifier, "classifier:romance-vs-press", null, null, null, null, null, null), null, now);
        var job = new Job { Id = Guid.NewGuid(), TeamId = team, Kind = "open-ended", ParametersJson = "{}", State = JobState.Succeeded, Progress = 1, CreatedAt = now };
        var run = new EvaluationRun
        {
            Id = Guid.NewGuid(), TeamId = team, Kind = RunKinds.OpenEnded, Name = request.Name!, Model = provenance.Model, JobId = job.Id, CreatedAt = now,
            RequestJson = JsonSerializer.Serialize(request, RunJson.Options), ProvenanceJson = JsonSerializer.Serialize(provenance, RunJson.Options),
        };
        await using var db = server.CreateDbContext();
        db.Jobs.Add(job);
        db.Runs.Add(run);
        var answer = new RunAnswer { RunId = run.Id, Series = 0, QuestionIndex = 0, Question = "It was", Lambda = 4, Text = " a dark night", Finish = "length" };
        db.RunAnswers.Add(answer);
        await db.SaveChangesAsync();
        db.RunJudgements.Add(new RunJudgement
        {
            RunId = run.Id, AnswerId = answer.Id, Item = RubricItems.Behaviour, Judge = "classifier:romance-vs-press", Status = "Scored", Score = 6, RawText = "0.6",
            CreatedAt = now,
        });
        await db.SaveChangesAsync();
        return (run.Id, answer.Id);
    }
}
