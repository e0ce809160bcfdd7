using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>One sampled continuation: item <see cref="Item"/> = seed index × prompts + prompt index, the same item in
/// every condition, so conditions can be compared pair by pair. <see cref="Text"/> is the decoded new tokens as generated
/// (with their leading space: it continues <see cref="Prompt"/>).</summary>
public sealed record Continuation(int Item, string Prompt, long Seed, string Text);

/// <summary>Continues every report prompt once per seed (DESIGN §6 open-ended, raw prompts): the same sampling settings
/// and seeds in every condition, so an unsteered and a steered continuation of one item differ only by the steering
/// (<see cref="TokenGenerator"/> gives each row its own sampler, so batching does not change them).</summary>
public sealed class ContinuationSampler(TransformerModel model, ITextTokenizer tokenizer, ReportSettings settings)
{
    readonly IReadOnlyList<IReadOnlyList<int>> prompts = settings.Prompts.Select(p => tokenizer.Encode(p, addBos: true)).ToList();

    public IReadOnlyList<Continuation> Sample(HookSet? hooks, CancellationToken cancellation)
    {
        var generator = new TokenGenerator(model);
        var stopIds = model.Config.EosIds.Concat(tokenizer.StopIds).ToHashSet();
        var result = new List<Continuation>(settings.SamplesPerPoint);
        for (int s = 0; s < settings.Seeds.Count; s++)
            for (int start = 0; start < prompts.Count; start += settings.GenerationBatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                var batch = prompts.Skip(start).Take(settings.GenerationBatchSize).ToList();
                var sequences = generator.Generate(new GenerationRequest
                {
                    Prompts = batch,
                    MaxNewTokens = settings.NewTokens,
                    Sampling = new SamplingSettings(settings.Temperature, TopK: 0, settings.TopP, settings.Seeds[s]),
                    StopIds = stopIds,
                    Hooks = hooks,
                    PadId = model.Config.PadId ?? 0,
                }, cancellation: cancellation);
                for (int r = 0; r < sequences.Count; r++)
                {
                    int p = start + r;
                    result.Add(new Continuation(s * prompts.Count + p, settings.Prompts[p], settings.Seeds[s], tokenizer.Decode(sequences[r].NewIds)));
                }
            }
        return result;
    }
}
