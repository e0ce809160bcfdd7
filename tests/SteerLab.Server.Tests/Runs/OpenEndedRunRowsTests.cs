using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SteerLab.Server.Data;
using SteerLab.Server.Runs;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Tests.Runs;

/// <summary>An open-ended run's charts, answers, exports, blind review and judge–human agreement, all computed from
/// rows inserted here by hand (as the open-ended job kind and the judging service would write them), with the expected
/// numbers worked out by hand. No engine: the host runs in "workers" mode.</summary>
public sealed class OpenEndedRunRowsTests : IAsyncLifetime
{
    const string Behaviour = RubricItems.Behaviour, Coherence = RubricItems.Coherence;
    const string Description = "The answer reads like romance fiction.";
    const double Z = 1.959963984540054;

    readonly SteerLabServer server = new(engineMode: "workers");
    HttpClient client = null!;
    Guid team;

    public async Task InitializeAsync()
    {
        client = server.CreateClient();
        team = await RunTestHosts.AdminTeamAsync(server);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>A judgement as a row: "Scored" with a score, or another status without one.</summary>
    sealed record J(string Status, double? Score = null);

    sealed record A(int Question, double? Lambda, J? Behaviour = null, J? Coherence = null, string? Text = null);

    /// <summary>Run A (charts): one dense vector, grid [2, 4], two questions. Each judgement costs 10 prompt and 2
    /// completion tokens.</summary>
    static readonly A[] ChartAnswers =
    [
        new(0, null, new("Scored", 2), new("Scored", 8), "=HYPERLINK(\"http://example.test\")"),
        new(1, null, new("Scored", 4), new("Unparseable")),
        new(0, 2, new("Scored", 6), new("Scored", 10)),
        new(1, 2, new("Failed"), new("Scored", 5)),
        new(0, 4, new("Scored", 9)),
        new(1, 4),
    ];

    /// <summary>Run B (agreement): six answers at λ = 1; behaviour judged on all (one unparseable), coherence on two.</summary>
    static readonly A[] AgreementAnswers =
    [
        new(0, 1, new("Scored", 2), new("Scored", 5)),
        new(1, 1, new("Scored", 5), new("Scored", 5)),
        new(2, 1, new("Scored", 8)),
        new(3, 1, new("Scored", 9)),
        new(4, 1, new("Unparseable")),
        new(5, 1, new("Scored", 7)),
    ];

    async Task<(Guid RunId, long[] AnswerIds)> InsertRunAsync(A[] answers, double[] lambdas)
    {
        var now = DateTime.UtcNow;
        var vector = Guid.NewGuid();
        var request = new RunRequest(RunKinds.OpenEnded, "rows", [vector], lambdas, [],
            OpenEnded: new OpenEndedRunSettings("""[{"question": "q"}]""", "questions", Description, new JudgeChoice(JudgeKinds.Classifier, Contrast: "romance-vs-press")));
        var provenance = new RunProvenance("steerlab-brown-demo", null, "test", [new VectorProvenance(vector, "romance CAA", "caa", "abc", null, null)],
            [new DatasetProvenance("questions", null, "questions", "hash", 6, 6)], lambdas, [], true, null,
            new JudgeProvenance(JudgeKinds.Classifier, "classifier:romance-vs-press", null, null, null, null, null, null), null, now);
        var job = new Job { Id = Guid.NewGuid(), TeamId = team, Kind = "open-ended", ParametersJson = "{}", State = JobState.Succeeded, Progress = 1, CreatedAt = now };
        var run = new EvaluationRun
        {
            Id = Guid.NewGuid(), TeamId = team, Kind = RunKinds.OpenEnded, Name = "rows", Model = "steerlab-brown-demo", JobId = job.Id, CreatedAt = now,
            RequestJson = JsonSerializer.Serialize(request, RunJson.Options), ProvenanceJson = JsonSerializer.Serialize(provenance, RunJson.Options),
        };
        await using var db = server.CreateDbContext();
        db.Jobs.Add(job);
        db.Runs.Add(run);
        var rows = answers.Select(a => new RunAnswer
        {
            RunId = run.Id, Series = 0, QuestionIndex = a.Question, Question = $"question {a.Question}", Lambda = a.Lambda,
            Text = a.Text ?? $"answer {a.Question} at {a.Lambda?.ToString() ?? "unsteered"}", Finish = "stop",
        }).ToList();
        db.RunAnswers.AddRange(rows);
        await db.SaveChangesAsync();
        for (int i = 0; i < answers.Length; i++)
            foreach (var (item, judgement) in new[] { (Behaviour, answers[i].Behaviour), (Coherence, answers[i].Coherence) })
                if (judgement is not null)
                    db.RunJudgements.Add(new RunJudgement
                    {
                        RunId = run.Id, AnswerId = rows[i].Id, Item = item, Judge = "classifier:romance-vs-press", Status = judgement.Status, Score = judgement.Score,
                        RawText = $"raw {judgement.Status}", PromptTokens = 10, CompletionTokens = 2, CreatedAt = now,
                    });
        await db.SaveChangesAsync();
        return (run.Id, rows.Select(r => r.Id).ToArray());
    }

    async Task AddReviewsAsync(Guid runId, Guid reviewer, params (long AnswerId, string Item, int Score)[] reviews)
    {
        await using var db = server.CreateDbContext();
        foreach (var (answerId, item, score) in reviews)
            db.ReviewScores.Add(new ReviewScore { RunId = runId, AnswerId = answerId, Item = item, ReviewerId = reviewer, Score = score, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    /// <summary>Run B with reviews by two reviewers: behaviour pairs (judge, reviewers' mean) (2, 2), (5, 6.5), (8, 4),
    /// (9, 9.5); the unparseable answer and the unreviewed one are left out. Coherence pairs (5, 4), (5, 6).</summary>
    async Task<(Guid RunId, long[] Answers, (Guid Id, HttpClient Client) First, (Guid Id, HttpClient Client) Second)> ReviewedRunAsync()
    {
        var (runId, a) = await InsertRunAsync(AgreementAnswers, [1]);
        var first = await RunTestHosts.MemberAsync(server, team, TeamRoles.Reviewer);
        var second = await RunTestHosts.MemberAsync(server, team, TeamRoles.Reviewer);
        await AddReviewsAsync(runId, first.UserId, (a[0], Behaviour, 1), (a[1], Behaviour, 6), (a[2], Behaviour, 4), (a[3], Behaviour, 9), (a[4], Behaviour, 5),
            (a[0], Coherence, 4));
        await AddReviewsAsync(runId, second.UserId, (a[0], Behaviour, 3), (a[1], Behaviour, 7), (a[3], Behaviour, 10), (a[1], Coherence, 6));
        return (runId, a, first, second);
    }

    [Fact]
    public async Task Charts_AreAggregatedFromTheRows_CountingUnscoredJudgementsAndPendingOnesApart()
    {
        var (runId, _) = await InsertRunAsync(ChartAnswers, [2, 4]);

        var view = await new RunApi(client).GetAsync(runId);

        var result = Assert.IsType<OpenEndedResultView>(view.OpenEnded);
        Assert.Equal("classifier:romance-vs-press", result.Judge);
        Assert.Equal(Description, result.BehaviourDescription);
        Assert.Equal(2, result.QuestionCount);
        Assert.Equal(new JudgementCounts(Scored: 7, Unparseable: 1, OutOfRange: 0, Failed: 1, NotAvailable: 0, Pending: 3), result.Counts);
        Assert.Equal(90, result.PromptTokens);
        Assert.Equal(18, result.CompletionTokens);
        var series = Assert.Single(result.Series);
        Assert.Equal(("romance CAA", "caa", false), (series.Name, series.Method, series.IsSparse));
        Assert.Equal([2.0, 4], series.Points.Select(p => p.Lambda));

        // Unsteered: behaviour 2 and 4 → 0.3 ± z·√(0.02/2) = 0.3 ± 0.1·z (z = 1.959963984540054, the 97.5% normal quantile);
        // coherence only 8 (one unparseable) → [0, 1]
        // with one value; product 0.2·0.8 = 0.16, the other answer excluded as unparseable.
        var unsteered = series.Unsteered;
        Summary(unsteered.Behaviour, 0.3, 0.3 - 0.1 * Z, 0.3 + 0.1 * Z, scored: 2);
        Summary(unsteered.Coherence, 0.8, 0, 1, scored: 1, unparseable: 1);
        Summary(unsteered.Product, 0.16, 0, 1, scored: 1, unparseable: 1);
        // λ = 2: behaviour 6 (one failed); coherence 10 and 5 → 0.75 ± z·√(0.125/2) = 0.75 ± 0.25·z, clipped to 1; product 0.6 (one failed).
        var two = series.Points[0];
        Summary(two.Behaviour, 0.6, 0, 1, scored: 1, failed: 1);
        Summary(two.Coherence, 0.75, 0.75 - 0.25 * Z, 1, scored: 2);
        Summary(two.Product, 0.6, 0, 1, scored: 1, failed: 1);
        // λ = 4: behaviour 9 and one pending; coherence and the product wait for the judge.
        var four = series.Points[1];
        Summary(four.Behaviour, 0.9, 0, 1, scored: 1, pending: 1);
        Summary(four.Coherence, null, null, null, scored: 0, pending: 2);
        Summary(four.Product, null, null, null, scored: 0, pending: 2);
        Assert.Null(view.Judging); // judged in the engine: no server-side phase
    }

    static void Summary(ScoreSummaryView summary, double? mean, double? low, double? high, int scored, int unparseable = 0, int failed = 0, int pending = 0)
    {
        Assert.Equal(mean is null, summary.Mean is null);
        if (mean is not null)
        {
            Assert.Equal(mean.Value, summary.Mean!.Value, 9);
            Assert.Equal(low!.Value, summary.Low!.Value, 9);
            Assert.Equal(high!.Value, summary.High!.Value, 9);
        }
        Assert.Equal((scored, unparseable, 0, failed, 0, pending),
            (summary.Scored, summary.Unparseable, summary.OutOfRange, summary.Failed, summary.NotAvailable, summary.Pending));
    }

    [Fact]
    public async Task Agreement_MatchesSpearmanAndKappaComputedByHand()
    {
        var (runId, a, _, _) = await ReviewedRunAsync();

        var agreement = await client.GetFromJsonAsyncOrFail<AgreementView>($"/api/runs/{runId}/agreement");

        Assert.Equal(2, agreement.Reviewers);
        var behaviour = agreement.Items.Single(i => i.Item == Behaviour);
        Assert.Equal(4, behaviour.N);
        // Ranks judge (1, 2, 3, 4), humans (1, 3, 2, 4): ρ = 1 − 6·2 / (4·15) = 0.8.
        Assert.Equal(0.8, behaviour.Spearman!.Value, 12);
        // κ on categories judge (2, 5, 8, 9), humans rounded (2, 7, 4, 10) — 6.5 → 7, 9.5 → 10: observed Σ(i−j)² = 0 + 4 + 16 + 1
        // = 21; expected Σᵢⱼ(xᵢ − yⱼ)²/n = 268/4 = 67; κ = 1 − 21/67 = 46/67.
        Assert.Equal(46.0 / 67, behaviour.Kappa!.Value, 12);
        Assert.Null(behaviour.Note);
        var coherence = agreement.Items.Single(i => i.Item == Coherence);
        Assert.Equal(2, coherence.N);
        Assert.Null(coherence.Spearman); // the judge gave both answers 5
        Assert.Contains("ρ undefined", coherence.Note);
        // κ: observed (5−4)² + (5−6)² = 2, expected (1 + 1 + 1 + 1)/2 = 2 → 0.
        Assert.Equal(0, coherence.Kappa!.Value, 12);

        Assert.Equal([(a[2], Behaviour, 4.0), (a[1], Behaviour, 1.5), (a[0], Coherence, 1.0), (a[1], Coherence, 1.0), (a[3], Behaviour, 0.5)],
            agreement.LargestDisagreements.Select(d => (d.AnswerId, d.Item, d.Difference)));
        var largest = agreement.LargestDisagreements[0];
        Assert.Equal((8.0, 4.0, 1, 1.0, "question 2"), (largest.JudgeScore, largest.HumanScore, largest.Reviews, largest.Lambda!.Value, largest.Question));
    }

    [Fact]
    public async Task ReviewQueue_IsBlind_ShuffledPerReviewer_AndSkipsWhatTheReviewerScored()
    {
        var (runId, a, first, _) = await ReviewedRunAsync();
        var (_, newcomerClient) = await RunTestHosts.MemberAsync(server, team, TeamRoles.Reviewer);

        using (var response = await newcomerClient.GetAsync($"/api/runs/{runId}/review/next"))
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            // Nothing that gives the judge's score, λ or steering away.
            Assert.Equal(["answer", "answerId", "behaviourDescription", "item", "question", "remaining", "total"],
                json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.DoesNotContain("raw ", body);
        }
        var seen = new List<(long, string)>();
        for (int expectedRemaining = 12; expectedRemaining > 0; expectedRemaining--)
        {
            var item = await newcomerClient.GetFromJsonAsyncOrFail<ReviewItem>($"/api/runs/{runId}/review/next");
            Assert.Equal((expectedRemaining, 12, Description), (item.Remaining, item.Total, item.BehaviourDescription));
            seen.Add((item.AnswerId, item.Item));
            using var submitted = await newcomerClient.PostAsJsonAsync($"/api/runs/{runId}/reviews", new ReviewScoreRequest(item.AnswerId, item.Item, 5), JobApi.Json);
            Assert.Equal(HttpStatusCode.NoContent, submitted.StatusCode);
        }
        Assert.Equal(12, seen.Distinct().Count());
        Assert.Equal(HttpStatusCode.NoContent, (await newcomerClient.GetAsync($"/api/runs/{runId}/review/next")).StatusCode);

        // The first reviewer scored six pairs already: only the other six come, each once.
        var scoredByFirst = new HashSet<(long, string)> { (a[0], Behaviour), (a[1], Behaviour), (a[2], Behaviour), (a[3], Behaviour), (a[4], Behaviour), (a[0], Coherence) };
        for (int expectedRemaining = 6; expectedRemaining > 0; expectedRemaining--)
        {
            var item = await first.Client.GetFromJsonAsyncOrFail<ReviewItem>($"/api/runs/{runId}/review/next");
            Assert.Equal(expectedRemaining, item.Remaining);
            Assert.DoesNotContain((item.AnswerId, item.Item), scoredByFirst);
            Assert.True(scoredByFirst.Add((item.AnswerId, item.Item)));
            using var submitted = await first.Client.PostAsJsonAsync($"/api/runs/{runId}/reviews", new ReviewScoreRequest(item.AnswerId, item.Item, 7), JobApi.Json);
            Assert.Equal(HttpStatusCode.NoContent, submitted.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await first.Client.GetAsync($"/api/runs/{runId}/review/next")).StatusCode);
    }

    [Fact]
    public async Task SubmitReview_RefusesBadScoresItemsAndAnswers_AndReplacesTheReviewersOwnScore()
    {
        var (runId, a, first, _) = await ReviewedRunAsync();
        var (otherRun, otherAnswers) = await InsertRunAsync(ChartAnswers, [2, 4]);
        var (_, viewer) = await RunTestHosts.MemberAsync(server, team, TeamRoles.Viewer);
        string path = $"/api/runs/{runId}/reviews";

        Assert.Contains("0 to 10", (await RunApi.ErrorsOf(await first.Client.PostAsJsonAsync(path, new ReviewScoreRequest(a[0], Behaviour, 11), JobApi.Json)))["score"][0]);
        Assert.Contains("behaviour", (await RunApi.ErrorsOf(await first.Client.PostAsJsonAsync(path, new ReviewScoreRequest(a[0], "fluency", 3), JobApi.Json)))["item"][0]);
        Assert.Contains($"there is no answer {otherAnswers[0]}",
            (await RunApi.ErrorsOf(await first.Client.PostAsJsonAsync(path, new ReviewScoreRequest(otherAnswers[0], Behaviour, 3), JobApi.Json)))["answerId"][0]);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync(path, new ReviewScoreRequest(a[0], Behaviour, 3), JobApi.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/runs/{runId}/review/next")).StatusCode);

        using (var replaced = await first.Client.PostAsJsonAsync(path, new ReviewScoreRequest(a[0], Behaviour, 0), JobApi.Json))
            Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);
        await using var db = server.CreateDbContext();
        var mine = db.ReviewScores.Where(r => r.AnswerId == a[0] && r.Item == Behaviour && r.ReviewerId == first.Id).ToList();
        Assert.Equal(0, Assert.Single(mine).Score);
        Assert.Equal(10, db.ReviewScores.Count(r => r.RunId == runId));
        Assert.Equal(0, db.ReviewScores.Count(r => r.RunId == otherRun));
    }

    [Fact]
    public async Task AnswersAndExports_CarryJudgementsAndReviews_AndTheCsvHasARowPerAnswerAndItem()
    {
        var (runId, a, first, second) = await ReviewedRunAsync();
        var (chartRun, _) = await InsertRunAsync(ChartAnswers, [2, 4]);

        var page = await client.GetFromJsonAsyncOrFail<List<RunAnswerView>>($"/api/runs/{runId}/answers?take=2");
        Assert.Equal([a[0], a[1]], page.Select(p => p.Id));
        Assert.Equal(("Scored", 2.0), (page[0].Behaviour!.Status, page[0].Behaviour!.Score!.Value));
        Assert.Equal(new ReviewSummaryView(2, 2, 4, 1), page[0].Review);
        Assert.Equal("romance CAA", page[0].SeriesName);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/runs/{runId}/answers?skip=-1")).StatusCode);

        using var json = await client.GetAsync($"/api/runs/{runId}/export?format=json");
        var document = JsonSerializer.Deserialize<RunExportDocument>(await json.Content.ReadAsStringAsync(), JobApi.Json)!;
        Assert.Equal(6, document.Answers!.Count);
        // Reviewers are numbered in the order of their ids, not named.
        int firstNumber = first.Id.CompareTo(second.Id) < 0 ? 1 : 2;
        Assert.Equal([(Behaviour, 1, firstNumber), (Behaviour, 3, 3 - firstNumber), (Coherence, 4, firstNumber)],
            document.Answers[0].Reviews.Select(r => (r.Item, r.Score, r.Reviewer)).OrderBy(r => r.Item).ThenBy(r => r.Score));
        Assert.Equal(runId, document.Run.Summary.Id);
        Assert.Equal(new JudgementCounts(7, 1, 0, 0, 0, 4), document.Run.OpenEnded!.Counts); // the charts travel along
        Assert.DoesNotContain(first.Id.ToString(), await (await client.GetAsync($"/api/runs/{runId}/export?format=json")).Content.ReadAsStringAsync());

        using var csvResponse = await client.GetAsync($"/api/runs/{chartRun}/export?format=csv");
        var rows = Csv.Parse(await csvResponse.Content.ReadAsStringAsync());
        Assert.Equal(["series", "question_index", "question", "lambda", "text", "item", "status", "score", "raw_text", "judge", "human_mean", "reviews"], rows[0]);
        Assert.Equal(1 + ChartAnswers.Length * 2, rows.Count);
        // Question 0: unsteered, λ 2, λ 4; then question 1.
        Assert.Equal(["unsteered", "unsteered", "2", "2", "4", "4", "unsteered", "unsteered", "2", "2", "4", "4"], rows.Skip(1).Select(r => r[3]));
        Assert.Equal(["romance CAA", "0", "question 0", "unsteered", "'=HYPERLINK(\"http://example.test\")", Behaviour, "Scored", "2", "raw Scored",
            "classifier:romance-vs-press", "", "0"], rows[1]);
        Assert.Equal(["Scored", "Scored", "Scored", "Scored", "Scored", "Pending", "Scored", "Unparseable", "Failed", "Scored", "Pending", "Pending"],
            rows.Skip(1).Select(r => r[6]));
    }
}
