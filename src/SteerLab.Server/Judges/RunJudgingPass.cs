using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Server.Runs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Judges;

/// <summary>Judges one claimed run (the server-side phase of an OpenAI-judged open-ended run): every (answer, rubric
/// item) still without a judgement is scored by the run's OpenAI-compatible judge — up to the setting's MaxConcurrency
/// at once, identical answers to the same question once — and each judgement is inserted as soon as it is made, so a
/// stopped server loses at most the calls in flight and a resumed pass never scores anything twice. After each
/// judgement the progress message is written on condition that the run is still Running here, and a watcher re-reads
/// the state every poll interval: a person's cancellation stops the pass promptly, calls in flight included, and so
/// does deleting the judge setting (the run then fails, saying so). Server shutdown stops it too but leaves the run
/// Running, for the next start to resume.</summary>
public sealed class RunJudgingPass(RunJudgingStore store, OpenAiJudgeFactory judges, IOptions<JudgeOptions> options, ILogger<RunJudgingPass> logger)
{
    public async Task JudgeAsync(Guid runId, CancellationToken stopping)
    {
        try
        {
            if (await PrepareAsync(runId, stopping) is not { } prepared) return;
            await JudgePendingAsync(runId, prepared, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogInformation("Judging of run {RunId} stopped with the server; the next start resumes it", runId);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Judging run {RunId} failed", runId);
            await FailAsync(runId, $"judging stopped: {e.Message}; the judgements made so far are kept");
        }
    }

    sealed record Prepared(IJudge Judge, string BehaviourDescription, long? Seed, int MaxConcurrency);

    async Task<Prepared?> PrepareAsync(Guid runId, CancellationToken stopping)
    {
        if (await store.LoadAsync(runId, stopping) is not { } loaded) return null; // deleted meanwhile
        var (run, setting) = loaded;
        if (setting is null)
            return await FailAsync(runId, "the judge setting this run uses was deleted; the judgements made so far are kept");
        RunRequest? request;
        try { request = JsonSerializer.Deserialize<RunRequest>(run.RequestJson, RunJson.Options); }
        catch (JsonException e) { return await FailAsync(runId, $"the run's stored request cannot be read ({e.Message})"); }
        if (request?.OpenEnded is not { } openEnded)
            return await FailAsync(runId, "the run's stored request has no open-ended settings, so there is nothing to judge against");
        IJudge judge;
        try { judge = judges.Create(setting); }
        catch (JudgeApiKeyUnreadableException e) { return await FailAsync(runId, $"{e.Message}; the judgements made so far are kept"); }
        return new Prepared(judge, openEnded.BehaviourDescription, openEnded.JudgeSeed, setting.MaxConcurrency);
    }

    async Task JudgePendingAsync(Guid runId, Prepared prepared, CancellationToken stopping)
    {
        var (pending, total) = await store.PendingAsync(runId, stopping);
        int done = total - pending.Count;
        if (!await store.ReportProgressAsync(runId, $"judged {done} of {total}", stopping)) return;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watcher = WatchAsync(runId, stop);
        try
        {
            // Identical (item, question, answer) are judged once — every vector's series carries the same unsteered
            // answers — and the judgement is stored for each; the tokens count once, on the first.
            var groups = pending.GroupBy(p => (p.Item, p.Question, p.Answer)).Select(g => g.ToList()).ToList();
            await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = prepared.MaxConcurrency, CancellationToken = stop.Token },
                async (same, token) =>
                {
                    var first = same[0];
                    var judgement = await prepared.Judge.ScoreAsync(
                        new JudgeRequest(ToRubricItem(first.Item), first.Question, first.Answer, prepared.BehaviourDescription, prepared.Seed), token);
                    foreach (var item in same)
                    {
                        var made = item == first ? judgement : judgement with { PromptTokens = 0, CompletionTokens = 0 };
                        // Not cancellable: a judgement that was made is kept, even when the server is stopping.
                        var saved = await store.SaveJudgementAsync(runId, item, prepared.Judge.Name, made, CancellationToken.None);
                        if (saved == JudgementSaveOutcome.AnswerGone) { await stop.CancelAsync(); return; }
                        int now = Interlocked.Increment(ref done);
                        if (!await store.ReportProgressAsync(runId, $"judged {now} of {total}", CancellationToken.None)) { await stop.CancelAsync(); return; }
                    }
                });
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            if (await watcher == JudgingCheck.JudgeDeleted)
                await FailAsync(runId, "the judge setting this run uses was deleted while it was judging; the judgements made so far are kept");
            else logger.LogInformation("Judging of run {RunId} stopped: it was cancelled or deleted", runId);
            return;
        }
        finally
        {
            await stop.CancelAsync();
            await watcher;
        }

        var (judged, scored) = await store.CountAsync(runId, CancellationToken.None);
        await store.FinishAsync(runId, RunJudgingState.Succeeded,
            total == 0 ? "no answers to judge" : $"judged {judged} of {total}: {scored} scored, {judged - scored} not scored", CancellationToken.None);
    }

    /// <summary>Re-reads the run's state every poll interval and stops the pass once it is no longer Running here or its
    /// judge setting is gone, so that neither waits for a slow judge's answers. Returns what it found last.</summary>
    async Task<JudgingCheck> WatchAsync(Guid runId, CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(options.Value.PollInterval, stop.Token);
                var check = await store.CheckAsync(runId, stop.Token);
                if (check != JudgingCheck.Judging) { await stop.CancelAsync(); return check; }
            }
        }
        catch (OperationCanceledException) { } // the pass ended, or the server is stopping
        catch (Exception e) { logger.LogWarning(e, "Could not re-read the state of run {RunId}; its cancellation is noticed after the next judgement", runId); }
        return JudgingCheck.Judging;
    }

    async Task<Prepared?> FailAsync(Guid runId, string message)
    {
        logger.LogWarning("Judging of run {RunId} failed: {Message}", runId, message);
        try { await store.FinishAsync(runId, RunJudgingState.Failed, message, CancellationToken.None); }
        catch (Exception e) { logger.LogError(e, "Could not record that judging run {RunId} failed", runId); }
        return null;
    }

    static RubricItem ToRubricItem(string item) => item switch
    {
        RubricItems.Behaviour => RubricItem.Behaviour,
        RubricItems.Coherence => RubricItem.Coherence,
        _ => throw new ArgumentOutOfRangeException(nameof(item), item, "unknown rubric item"),
    };
}
