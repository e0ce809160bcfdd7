using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Benchmarks;

public sealed record SteeringBenchOptions(int[] SaeWidths, int Support = 32, int DecodeTokens = 16, int Rounds = 3, ScalarType WeightType = ScalarType.Float32);

/// <summary>Median seconds per decoded token for one way of steering, and its ratio to unsteered decoding measured
/// in the same rounds.</summary>
public sealed record SteeringCost(string Condition, int? SaeWidth, double SecondsPerToken, double RatioToUnsteered, double InterventionMicroseconds);

public sealed record SteeringBenchReport(string Model, string WeightType, int Support, int DecodeTokens, int Rounds, MachineInfo Machine, IReadOnlyList<SteeringCost> Costs);

/// <summary>The per-token cost of steering (DESIGN §10): unsteered, CAA (a dense add), SAS on the fast path and SAS on
/// the full encode→edit→decode path, for random JumpReLU SAEs of several widths on a Gemma-2-2B-width model slice.
/// Conditions are interleaved round by round so machine noise hits them alike; each figure is a median. The cost of
/// the intervention alone (one token through <see cref="SasIntervention.Apply"/>) is reported too, since it is what
/// grows with SAE width on the full path and not on the fast path.</summary>
public static class SteeringBenchmark
{
    public static readonly HookPoint Hook = new(1, HookKind.ResidPost);

    public static SteeringBenchReport Run(SteeringBenchOptions options, Action<string> progress)
    {
        using var random = RandomModels.Build("gemma2-2b-slice", RandomModels.Gemma2Slice, options.WeightType);
        var model = random.Model;
        int d = model.Config.DModel;
        var conditions = new List<(string Name, int? Width, Func<HookSet?> Hooks, Func<Tensor, Tensor>? Intervention, IDisposable? Owner)>();
        conditions.Add(("unsteered", null, () => null, null, null));
        using var caaScale = 0.1.ToScalar();
        var caa = new DenseAddition(randn(d, generator: new TorchSharp.torch.Generator(3)).mul(caaScale));
        conditions.Add(("caa", null, () => new HookSet().Intervene(Hook, caa.Apply), x => caa.Apply(x, null!), caa));
        foreach (int width in options.SaeWidths)
        {
            progress($"building a random JumpReLU SAE of width {width}");
            var sae = RandomSae(d, width, seed: (ulong)width);
            var vector = RandomSparse(width, options.Support, seed: width);
            var fast = new SasIntervention(sae, vector);
            var full = new SasIntervention(sae, vector, forceFullPath: true);
            conditions.Add(("sas-fast", width, () => new HookSet().Intervene(Hook, fast.Apply), x => fast.Apply(x, null!), new Owners(fast, full, sae)));
            conditions.Add(("sas-full", width, () => new HookSet().Intervene(Hook, full.Apply), x => full.Apply(x, null!), null));
        }
        try
        {
            var seconds = conditions.ToDictionary(c => c, _ => new List<double>());
            progress("warm-up");
            foreach (var condition in conditions) SecondsPerToken(model, condition.Hooks(), 2);
            for (int round = 0; round < options.Rounds; round++)
            {
                progress($"round {round + 1}/{options.Rounds}");
                // Alternate the order so drifts in machine load do not favour the conditions measured first.
                foreach (var condition in round % 2 == 0 ? conditions : Enumerable.Reverse(conditions))
                    seconds[condition].Add(SecondsPerToken(model, condition.Hooks(), options.DecodeTokens));
            }
            double baseline = Timing.Median(seconds[conditions[0]]);
            using var token = randn(1, 1, d).to(options.WeightType);
            var costs = conditions.Select(c => new SteeringCost(c.Name, c.Width, Timing.Median(seconds[c]), Timing.Median(seconds[c]) / baseline,
                c.Intervention is null ? 0 : 1e6 * Timing.Median(Timing.Repeat(() => { using var _ = c.Intervention(token); }, runs: 20, warmups: 3)))).ToList();
            return new SteeringBenchReport(random.Name, EngineBenchmark.DTypeName(options.WeightType), options.Support, options.DecodeTokens, options.Rounds, MachineInfo.Current(), costs);
        }
        finally
        {
            foreach (var condition in conditions) condition.Owner?.Dispose();
        }
    }

    /// <summary>Median seconds per token of KV-cached decoding after a short prefill, with the hooks on every forward.</summary>
    static double SecondsPerToken(TransformerModel model, HookSet? hooks, int tokens)
    {
        using var scope = NewDisposeScope();
        using var cache = model.NewCache(tokens + 16);
        var prompt = randint(0, model.Config.VocabSize, [1, 8], generator: new TorchSharp.torch.Generator(1));
        model.Forward(new ForwardInput { InputIds = prompt, Cache = cache, Hooks = hooks, LastLogitsOnly = true }).Dispose();
        var next = tensor(new long[] { 42 }).view(1, 1);
        var times = Enumerable.Range(0, tokens).Select(_ => Timing.Seconds(() =>
            model.Forward(new ForwardInput { InputIds = next, Cache = cache, Hooks = hooks, LastLogitsOnly = true, PromptLengths = [8] }).Dispose())).ToList();
        return Timing.Median(times);
    }

    static SparseAutoencoder RandomSae(int d, int width, ulong seed)
    {
        var generator = new TorchSharp.torch.Generator(seed);
        var config = new SaeConfig { DIn = d, DSae = width, Activation = SaeActivation.JumpRelu, Source = $"random-{width}", Hook = Hook };
        using Scalar sqrtD = Math.Sqrt(d).ToScalar(), sqrtWidth = Math.Sqrt(width).ToScalar(), thresholdScale = 0.1.ToScalar();
        return new SparseAutoencoder(config, randn(d, width, generator: generator).div(sqrtD), randn(width, d, generator: generator).div(sqrtWidth),
            zeros(width), zeros(d), rand(width, generator: generator).mul(thresholdScale));
    }

    static SparseValues RandomSparse(int width, int support, int seed)
    {
        var rng = new Random(seed);
        var indices = Enumerable.Range(0, width).OrderBy(_ => rng.Next()).Take(support).Order().ToArray();
        return new SparseValues(indices, indices.Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray(), width);
    }

    sealed class Owners(params IDisposable[] owned) : IDisposable
    {
        public void Dispose() { foreach (var o in owned) o.Dispose(); }
    }
}
