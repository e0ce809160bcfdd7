using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.SaeTs;

/// <summary>Options for measuring what steering vectors do to SAE features (SAE-TS step 1).</summary>
public sealed record EffectDatasetOptions
{
    /// <summary>Number of unit steering vectors to measure.</summary>
    public int VectorCount { get; init; } = 256;
    /// <summary>Share of the vectors that are SAE decoder rows (the rest are random unit vectors).</summary>
    public double DecoderRowFraction { get; init; } = 0.5;
    /// <summary>Multiplier of the unit vectors while generating (the "steering scale").</summary>
    public double Scale { get; init; } = 4.0;
    public int NewTokens { get; init; } = 16;
    public double Temperature { get; init; } = 1.0;
    public long Seed { get; init; } = 0;
}

/// <summary>Vectors s_i [n, d] and their effects e_i [n, m]; the baseline mean code [m] of unsteered text.</summary>
public sealed record EffectDataset(Tensor Vectors, Tensor Effects, Tensor BaselineCode) : IDisposable
{
    public void Dispose() { Vectors.Dispose(); Effects.Dispose(); BaselineCode.Dispose(); }
}

/// <summary>SAE-TS step 1: for each unit vector s_i, generate from fixed short prompts with α·s_i added at the SAE's
/// hook (generated tokens only), then read the SAE code of the generated text with an <i>unsteered</i> forward and
/// take e_i = mean code(steered text) − mean code(unsteered text). Unsteered text uses the same seeds, so the
/// difference isolates the vector's effect on what the model writes.</summary>
public sealed class EffectDatasetBuilder(TransformerModel model, SparseAutoencoder sae, HookPoint hook)
{
    public EffectDataset Build(IReadOnlyList<IReadOnlyList<int>> prompts, EffectDatasetOptions options,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellation = default)
    {
        if (prompts.Count == 0) throw new ArgumentException("SAE-TS needs at least one prompt");
        var generator = new TokenGenerator(model);
        var vectors = UnitVectors(options);
        var baseline = MeanCode(generator, prompts, steering: null, options, cancellation);
        var effects = new List<Tensor>();
        for (int i = 0; i < options.VectorCount; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scale = options.Scale.ToScalar();
            using var scaled = vectors[i].mul(scale);
            using var addition = new DenseAddition(scaled);
            var hooks = new HookSet().Intervene(hook, addition.Apply, PositionScope.Generated);
            using var code = MeanCode(generator, prompts, hooks, options, cancellation);
            effects.Add(code - baseline);
            progress?.Report((i + 1, options.VectorCount));
        }
        var result = new EffectDataset(vectors, stack(effects), baseline);
        foreach (var e in effects) e.Dispose();
        return result;
    }

    Tensor UnitVectors(EffectDatasetOptions options)
    {
        using var scope = NewDisposeScope();
        var rng = new TorchSharp.torch.Generator(unchecked((ulong)options.Seed));
        int fromDecoder = (int)Math.Round(options.VectorCount * options.DecoderRowFraction);
        var rows = randperm(sae.DSae, generator: rng).narrow(0, 0, Math.Min(fromDecoder, sae.DSae));
        var decoder = sae.WDec.index_select(0, rows.to(sae.WDec.device)).cpu();
        var random = randn(options.VectorCount - rows.shape[0], sae.DIn, generator: rng);
        var all = cat([decoder, random], 0);
        using var tiny = 1e-12.ToScalar();
        return scope.MoveToOuter(all / all.norm(1, keepdim: true).clamp_min(tiny));
    }

    /// <summary>Mean SAE code [m] over the generated tokens of every prompt, read without steering.</summary>
    Tensor MeanCode(TokenGenerator generator, IReadOnlyList<IReadOnlyList<int>> prompts, HookSet? steering,
        EffectDatasetOptions options, CancellationToken cancellation)
    {
        var sampling = new SamplingSettings(options.Temperature, Seed: options.Seed);
        var outputs = generator.Generate(new GenerationRequest { Prompts = prompts, MaxNewTokens = options.NewTokens, Sampling = sampling, Hooks = steering },
            cancellation: cancellation);
        using var scope = NewDisposeScope();
        var hooks = new HookSet();
        using var recorder = new ActivationRecorder(hooks, hook, outputs.Count, PositionScope.Generated);
        int longest = outputs.Max(o => o.AllIds.Count);
        var pads = outputs.Select(o => longest - o.AllIds.Count).ToArray();
        var ids = new long[outputs.Count * longest];
        for (int b = 0; b < outputs.Count; b++)
            for (int t = 0; t < outputs[b].AllIds.Count; t++) ids[b * longest + pads[b] + t] = outputs[b].AllIds[t];
        model.Forward(new ForwardInput
        {
            InputIds = tensor(ids, [outputs.Count, longest]),
            PadCounts = pads,
            PromptLengths = outputs.Select(o => o.PromptIds.Count).ToArray(),
            Hooks = hooks,
            LastLogitsOnly = true,
        }).Dispose();
        var rows = Enumerable.Range(0, outputs.Count).Select(recorder.Row).Where(r => r.shape[0] > 0).ToList();
        if (rows.Count == 0) return scope.MoveToOuter(zeros(sae.DSae));
        var codes = sae.Encode(cat(rows, 0).to(sae.WEnc.device)).cpu();
        return scope.MoveToOuter(codes.mean([0]));
    }
}
