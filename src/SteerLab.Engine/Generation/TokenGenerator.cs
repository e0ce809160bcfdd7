using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Generation;

/// <summary>Autoregressive generation with a KV cache: one prefill of the left-padded prompts, then one
/// forward per new token for the whole batch. Hooks run at every forward, so an intervention steers every
/// generated token, not only the prompt.</summary>
public sealed class TokenGenerator(TransformerModel model)
{
    /// <summary>Generates for every prompt; <paramref name="onToken"/> sees each token as it is chosen.
    /// Cancellation stops between tokens by throwing <see cref="OperationCanceledException"/>.</summary>
    public IReadOnlyList<GeneratedSequence> Generate(GenerationRequest request, Action<GeneratedToken>? onToken = null, CancellationToken cancellation = default)
    {
        Validate(request);
        int batch = request.Prompts.Count;
        int longest = request.Prompts.Max(p => p.Count);
        var pads = request.Prompts.Select(p => longest - p.Count).ToArray();
        var promptLengths = request.Prompts.Select(p => p.Count).ToArray();
        var outputs = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var finish = Enumerable.Repeat(FinishReason.Length, batch).ToArray();
        var stopIds = new int?[batch];
        var done = new bool[batch];
        var samplers = Enumerable.Range(0, batch).Select(_ => new TokenSampler(request.Sampling)).ToArray();
        using var cache = model.NewCache(longest + request.MaxNewTokens);
        try
        {
            var padded = new long[batch * longest];
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < longest; t++)
                    padded[b * longest + t] = t < pads[b] ? request.PadId : request.Prompts[b][t - pads[b]];
            using var prompt = tensor(padded, [batch, longest]);
            var logits = Forward(prompt, cache, pads, promptLengths, request);
            for (int step = 0; step < request.MaxNewTokens; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                var next = new long[batch];
                for (int b = 0; b < batch; b++)
                {
                    if (done[b]) { next[b] = request.PadId; continue; }
                    using var row = logits[b, 0];
                    int id = samplers[b].Next(row);
                    next[b] = id;
                    bool isStop = request.StopIds.Contains(id);
                    var logprobs = request.TopLogprobs > 0 ? SampledLogprobs.Read(row, id, request.TopLogprobs) : null;
                    onToken?.Invoke(new GeneratedToken(b, outputs[b].Count, id, isStop, logprobs));
                    if (isStop) { done[b] = true; finish[b] = FinishReason.Stop; stopIds[b] = id; }
                    else outputs[b].Add(id);
                }
                logits.Dispose();
                if (done.All(d => d) || step == request.MaxNewTokens - 1) break;
                using var input = tensor(next, [batch, 1]);
                logits = Forward(input, cache, pads, promptLengths, request);
            }
        }
        finally
        {
            foreach (var sampler in samplers) sampler.Dispose();
        }
        return Enumerable.Range(0, batch).Select(b => new GeneratedSequence(request.Prompts[b], outputs[b], finish[b], stopIds[b])).ToList();
    }

    /// <summary>Streams tokens as they are produced (generation runs on a worker thread).</summary>
    public async IAsyncEnumerable<GeneratedToken> StreamAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var channel = Channel.CreateUnbounded<GeneratedToken>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        // Stops the worker when the caller cancels or stops enumerating early.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var worker = Task.Run(() =>
        {
            try
            {
                Generate(request, token => channel.Writer.TryWrite(token), stop.Token);
                channel.Writer.TryComplete();
            }
            catch (Exception e) { channel.Writer.TryComplete(e); }
        }, CancellationToken.None);
        try
        {
            await foreach (var token in channel.Reader.ReadAllAsync(cancellation))
            {
                cancellation.ThrowIfCancellationRequested(); // tokens already buffered are not delivered after a cancel
                yield return token;
            }
        }
        finally
        {
            stop.Cancel();
            await worker; // the worker never throws: its errors went to the channel
        }
    }

    Tensor Forward(Tensor ids, KvCache cache, int[] pads, int[] promptLengths, GenerationRequest request) =>
        model.Forward(new ForwardInput
        {
            InputIds = ids,
            Cache = cache,
            PadCounts = pads,
            PromptLengths = promptLengths,
            Hooks = request.Hooks,
            LastLogitsOnly = true,
        });

    void Validate(GenerationRequest request)
    {
        if (request.Prompts.Count == 0) throw new ArgumentException("at least one prompt is needed");
        if (request.MaxNewTokens < 0) throw new ArgumentException($"max new tokens must be ≥ 0, got {request.MaxNewTokens}");
        request.Sampling.Validate();
        int vocab = model.Config.VocabSize;
        for (int b = 0; b < request.Prompts.Count; b++)
        {
            if (request.Prompts[b].Count == 0) throw new ArgumentException($"prompt {b} is empty: give at least one token (e.g. BOS)");
            if (request.Prompts[b].Any(id => id < 0 || id >= vocab))
                throw new ArgumentException($"prompt {b} has token id {request.Prompts[b].First(id => id < 0 || id >= vocab)} outside the vocabulary [0, {vocab})");
        }
        if (request.TopLogprobs is < 0 or > SampledLogprobs.MaxTop)
            throw new ArgumentException($"top logprobs must be between 0 and {SampledLogprobs.MaxTop}, got {request.TopLogprobs}");
        if (request.PadId < 0 || request.PadId >= vocab) throw new ArgumentException($"pad id {request.PadId} is outside the vocabulary");
        int longest = request.Prompts.Max(p => p.Count);
        if (model.Config.Architecture == Architecture.Gpt2 && longest + request.MaxNewTokens > model.Config.MaxPositions)
            throw new ArgumentException($"{longest} prompt tokens + {request.MaxNewTokens} new tokens exceed GPT-2's {model.Config.MaxPositions} positions");
    }
}
