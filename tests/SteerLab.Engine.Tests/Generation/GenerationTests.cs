using SteerLab.Engine.Generation;
using SteerLab.Engine.Tests.Support;

namespace SteerLab.Engine.Tests.Generation;

public class GenerationTests
{
    static readonly SamplingSettings Sampled = new(Temperature: 0.9, TopK: 40, TopP: 0.9, Seed: 1234);

    [SkippableFact]
    public void GreedyFromBos_ReproducesLlama2cExactly()
    {
        var expected = Stories260K.Reference.GetProperty("greedy_from_bos").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        using var model = Stories260K.Load();
        var result = new TokenGenerator(model).Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = expected.Length - 1 })[0];
        Assert.Equal(expected, result.AllIds);
    }

    [SkippableFact]
    public void GreedyFromEachReferencePrompt_ReproducesLlama2cIds()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        foreach (var prompt in Stories260K.Prompts)
        {
            var result = generator.Generate(new GenerationRequest { Prompts = [prompt.PromptIds], MaxNewTokens = prompt.GreedyIds.Length - prompt.PromptIds.Length })[0];
            Assert.Equal(prompt.GreedyIds, result.AllIds);
        }
    }

    [SkippableFact]
    public void LeftPaddedBatch_GivesTheSameTokensAsOneByOne_GreedyAndSampled()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        var prompts = Stories260K.Prompts.Select(p => (IReadOnlyList<int>)p.PromptIds).ToList();
        Assert.True(prompts.Select(p => p.Count).Distinct().Count() > 1, "prompts of different lengths exercise the padding");
        foreach (var sampling in new[] { SamplingSettings.Greedy, Sampled })
        {
            var batched = generator.Generate(new GenerationRequest { Prompts = prompts, MaxNewTokens = 40, Sampling = sampling });
            for (int b = 0; b < prompts.Count; b++)
            {
                var alone = generator.Generate(new GenerationRequest { Prompts = [prompts[b]], MaxNewTokens = 40, Sampling = sampling })[0];
                Assert.Equal(alone.NewIds, batched[b].NewIds);
            }
        }
    }

    [SkippableFact]
    public void Sampling_IsReproducibleForASeed_AndVariesAcrossSeeds()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        IReadOnlyList<int> Run(long seed) => generator.Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 30, Sampling = Sampled with { Seed = seed } })[0].NewIds;
        Assert.Equal(Run(5), Run(5));
        var distinct = Enumerable.Range(0, 5).Select(s => string.Join(",", Run(s))).Distinct().Count();
        Assert.True(distinct >= 3, $"only {distinct} distinct continuations from 5 seeds");
        var greedy = generator.Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 30 })[0].NewIds;
        Assert.NotEqual(greedy, Run(5));
    }

    [SkippableFact]
    public void TopKOfOne_IsGreedy()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        var greedy = generator.Generate(new GenerationRequest { Prompts = [[1, 403]], MaxNewTokens = 20 })[0].NewIds;
        var topOne = generator.Generate(new GenerationRequest { Prompts = [[1, 403]], MaxNewTokens = 20, Sampling = new(Temperature: 1.5, TopK: 1, Seed: 3) })[0].NewIds;
        var tinyTopP = generator.Generate(new GenerationRequest { Prompts = [[1, 403]], MaxNewTokens = 20, Sampling = new(Temperature: 1.5, TopP: 1e-6, Seed: 3) })[0].NewIds;
        Assert.Equal(greedy, topOne);
        Assert.Equal(greedy, tinyTopP);
    }

    [SkippableFact]
    public void StopToken_EndsTheRowWithoutBeingPartOfTheOutput()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        var free = generator.Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 20 })[0].NewIds;
        int stop = free[5];
        int firstAt = free.ToList().IndexOf(stop);
        var stopped = generator.Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 20, StopIds = [stop] })[0];
        Assert.Equal(FinishReason.Stop, stopped.Finish);
        Assert.Equal(stop, stopped.StopId);
        Assert.Equal(free.Take(firstAt), stopped.NewIds);
    }

    [SkippableFact]
    public async Task Streaming_YieldsTheSameTokensAsTheCallback()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        var request = new GenerationRequest { Prompts = [[1, 403], [1]], MaxNewTokens = 15, Sampling = Sampled };
        var viaCallback = new List<GeneratedToken>();
        generator.Generate(request, viaCallback.Add);
        var streamed = new List<GeneratedToken>();
        await foreach (var token in generator.StreamAsync(request)) streamed.Add(token);
        Assert.Equal(viaCallback, streamed);
        Assert.Equal(30, streamed.Count);
    }

    [SkippableFact]
    public async Task Cancellation_StopsBetweenTokens()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() => generator.Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 50 },
            _ => { if (++seen == 3) cts.Cancel(); }, cts.Token));
        Assert.Equal(3, seen);

        using var cts2 = new CancellationTokenSource();
        int streamed = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in generator.StreamAsync(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 50 }, cts2.Token))
                if (++streamed == 2) cts2.Cancel();
        });
        Assert.InRange(streamed, 2, 4);
    }

    [SkippableFact]
    public void InvalidRequests_AreRejectedWithClearMessages()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        Assert.Contains("outside the vocabulary", Assert.Throws<ArgumentException>(() => generator.Generate(new GenerationRequest { Prompts = [[1, 9999]], MaxNewTokens = 1 })).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => generator.Generate(new GenerationRequest { Prompts = [[]], MaxNewTokens = 1 })).Message);
        Assert.Contains("top-p", Assert.Throws<ArgumentException>(() => generator.Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 1, Sampling = new(1, 0, 0) })).Message);
    }
}
