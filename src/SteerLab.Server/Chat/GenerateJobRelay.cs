using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using SteerLab.Engine.Worker;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Chat;

/// <summary>Creates a "generate" job and relays its live updates to one reader: what the OpenAI-compatible endpoint
/// and the chat page share. The job is persisted and queued like any other, so it runs in-process or on a worker.</summary>
public sealed class GenerateJobRelay(JobKindCatalog kinds, JobStore store, JobWakeup wakeup, JobUpdates updates)
{
    /// <summary>Validates the parameters and queues the job; the error lists every problem when the kind refuses them.</summary>
    public async Task<(GenerateJobRun? Run, string? Error)> StartAsync(GenerateJobParameters parameters, Guid teamId)
    {
        var kind = kinds.Find(EngineJobKinds.Generate)!;
        // Read only by this process: a restart that cuts it short leaves nobody to read a second run.
        var validation = kind.Validate(JsonSerializer.SerializeToElement(parameters with { Streamed = true }, EngineJobJson.Options));
        if (!validation.IsValid)
            return (null, string.Join("; ", validation.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));

        // Subscribe before the job exists, so no token is published before we listen.
        var channel = Channel.CreateUnbounded<JobUpdate>();
        Guid jobId = Guid.Empty;
        var pending = new List<JobUpdate>();
        var subscription = updates.Subscribe(update =>
        {
            lock (pending)
            {
                if (jobId == Guid.Empty) { pending.Add(update); return; }
            }
            if (update.JobId == jobId) channel.Writer.TryWrite(update);
        });
        try
        {
            var job = await store.CreateAsync(kind.Name, validation.ParametersJson!, validation.Model, teamId, CancellationToken.None);
            lock (pending)
            {
                jobId = job.Id;
                foreach (var early in pending.Where(u => u.JobId == jobId)) channel.Writer.TryWrite(early);
                pending.Clear();
            }
            wakeup.Signal();
            return (new GenerateJobRun(job.Id, channel.Reader, subscription, store), null);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }
}

/// <summary>A queued "generate" job being watched. Dispose it to stop listening (the job itself runs on).</summary>
public sealed class GenerateJobRun(Guid jobId, ChannelReader<JobUpdate> updates, IDisposable subscription, JobStore store) : IDisposable
{
    public Guid JobId => jobId;

    /// <summary>The job's updates as they come, ending with the first final one. When <paramref name="cancellation"/>
    /// fires, the job is asked to stop (the reader went away) and the enumeration throws.</summary>
    public async IAsyncEnumerable<JobUpdate> ReadUntilFinalAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        var reader = updates.ReadAllAsync(cancellation).GetAsyncEnumerator(cancellation);
        try
        {
            while (true)
            {
                JobUpdate update;
                try
                {
                    if (!await reader.MoveNextAsync()) yield break;
                    update = reader.Current;
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    await store.RequestCancelAsync(jobId, CancellationToken.None);
                    throw;
                }
                yield return update;
                if (update.State.IsFinal()) yield break;
            }
        }
        finally { await reader.DisposeAsync(); }
    }

    /// <summary>The finished job's result, or why there is none ("generation failed: …").</summary>
    public async Task<(GenerateJobResult? Result, string? Error)> ResultAsync()
    {
        var finished = await store.FindAsync(jobId, CancellationToken.None);
        if (finished is null || finished.State != JobState.Succeeded || finished.ResultJson is null)
            return (null, $"generation {finished?.State.ToString().ToLowerInvariant() ?? "lost"}: {finished?.Error ?? "no result"}");
        return (JsonSerializer.Deserialize<GenerateJobResult>(finished.ResultJson, EngineJobJson.Options)!, null);
    }

    public void Dispose() => subscription.Dispose();
}
