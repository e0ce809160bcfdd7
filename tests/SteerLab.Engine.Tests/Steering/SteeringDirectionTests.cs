using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae.Formats;
using SteerLab.Engine.Sae.Training;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Tests.Support;
using Xunit.Abstractions;

namespace SteerLab.Engine.Tests.Steering;

/// <summary>Steering demonstrably steers a real model: vectors built from happy vs sad story sentences move
/// stories260K's continuations and the log-likelihood of held-out happy vs sad sentences towards "happy" for λ > 0
/// and towards "sad" for λ &lt; 0. Fixed seeds; the assertions are about direction, not magic values.</summary>
public class SteeringDirectionTests(ITestOutputHelper output)
{
    internal static readonly HookPoint Hook = new(2, HookKind.ResidPost);
    static readonly string[] NeutralPrompts = ["Once upon a time", "One day", "The cat", "Tom went to the park"];

    internal sealed record Effect(double LikelihoodShift, double GreedyScore, double SampledScore);

    /// <summary>Mean per-token log-likelihood of held-out happy minus sad sentences, and the happy-minus-sad word score
    /// of greedy and sampled continuations of neutral prompts, with the knobs applied at every position.</summary>
    internal static Effect Measure(LoadedModel loaded, IReadOnlyList<SteeringKnob> knobs, Func<SaeReference, SteerLab.Engine.Sae.SparseAutoencoder>? saes = null)
    {
        var tokenizer = loaded.RequireTokenizer();
        using var plan = new SteeringPlan(knobs, saes, PositionScope.All);
        var hooks = plan.Hooks.IsEmpty ? null : plan.Hooks;
        double Likelihood(IReadOnlyList<string> texts) =>
            Perplexity.MeasureTexts(loaded.Model, tokenizer, texts, hooks).Sequences.Average(s => s.LogLikelihood / s.ScoredTokens);
        var prompts = NeutralPrompts.Select(p => (IReadOnlyList<int>)tokenizer.Encode(p, addBos: true)).ToList();
        var generator = new TokenGenerator(loaded.Model);
        string Decode(GeneratedSequence s) => tokenizer.Decode(s.NewIds);
        var greedy = generator.Generate(new GenerationRequest { Prompts = prompts, MaxNewTokens = 40, Hooks = hooks }).Select(Decode);
        var sampled = Enumerable.Range(0, 4).SelectMany(seed => generator.Generate(new GenerationRequest
        {
            Prompts = prompts, MaxNewTokens = 40, Hooks = hooks, Sampling = new SamplingSettings(0.8, Seed: seed),
        }).Select(Decode));
        return new Effect(Likelihood(HappySadStories.HeldOutHappy) - Likelihood(HappySadStories.HeldOutSad),
            HappySadStories.Score(greedy), HappySadStories.Score(sampled));
    }

    /// <param name="likelihoodBothWays">Also require λ &lt; 0 to lower the held-out likelihood shift (true for CAA; the SAS
    /// vector here moves generations both ways but held-out likelihoods only for λ &gt; 0 — see the issue note).</param>
    internal static void AssertSteersBothWays(Effect negative, Effect zero, Effect positive, ITestOutputHelper output, string what, bool likelihoodBothWays = true)
    {
        output.WriteLine($"{what}: λ<0 {negative}, λ=0 {zero}, λ>0 {positive}");
        Assert.True(positive.LikelihoodShift > zero.LikelihoodShift && (!likelihoodBothWays || zero.LikelihoodShift > negative.LikelihoodShift),
            $"{what}: held-out happy−sad log-likelihood should rise with λ: {negative.LikelihoodShift:F3}, {zero.LikelihoodShift:F3}, {positive.LikelihoodShift:F3}");
        Assert.True(positive.GreedyScore > zero.GreedyScore && zero.GreedyScore > negative.GreedyScore,
            $"{what}: greedy happy−sad word score should rise with λ: {negative.GreedyScore:F2}, {zero.GreedyScore:F2}, {positive.GreedyScore:F2}");
        Assert.True(positive.SampledScore > zero.SampledScore && zero.SampledScore > negative.SampledScore,
            $"{what}: sampled happy−sad word score should rise with λ: {negative.SampledScore:F2}, {zero.SampledScore:F2}, {positive.SampledScore:F2}");
    }

    [SkippableFact]
    public void CaaVector_FromHappyVsSadStories_SteersTowardsHappyAndSad()
    {
        using var loaded = LoadedModel.Open(Stories260K.Directory);
        var vector = new VectorBuildPipeline(loaded).Build(HappySadStories.Training(),
            new VectorBuildOptions { Method = SteeringMethod.Caa, Hook = Hook, ReadPosition = ReadPosition.CompletionMean });
        AssertSteersBothWays(Measure(loaded, [new(vector, -2)]), Measure(loaded, []), Measure(loaded, [new(vector, 2)]), output, "CAA");
    }

    [SkippableFact]
    public void SasVector_FromHappyVsSadStories_SteersTowardsHappyAndSad()
    {
        using var loaded = LoadedModel.Open(Stories260K.Directory);
        // A TopK SAE trained on the model's own stories at the same hook (the SAE training test's settings).
        var sequences = SelfGeneratedSequences.Sample(loaded.Model, count: 256, newTokens: 128, seed: 1, batchSize: 128);
        using var trained = SaeTrainingRun.Execute(loaded.Model, "stories260K", sequences, "self-generated", new SaeTrainingOptions
        {
            Hook = Hook, Kind = SaeTrainingKind.TopK, K = 16, Width = 512, Steps = 600, BatchTokens = 2048, Seed = 1,
        });
        string saeFolder = Path.Combine(Path.GetTempPath(), $"steerlab-sae-{Guid.NewGuid():N}");
        try
        {
            SaeLensFormat.Save(trained.Sae, saeFolder, null);
            var vector = new VectorBuildPipeline(loaded).Build(HappySadStories.Training(),
                new VectorBuildOptions { Method = SteeringMethod.Sas, Hook = Hook, ReadPosition = ReadPosition.CompletionMean, SaePath = saeFolder });
            output.WriteLine($"SAS support {vector.L0} ({vector.Sparse!.PositiveSupport.Count()} positive, {vector.Sparse.NegativeSupport.Count()} negative), L2 {vector.L2Norm:F3}");
            Assert.True(vector.Sparse.PositiveSupport.Any() && vector.Sparse.NegativeSupport.Any(), "happy and sad features both survive the filter");
            using var sae = SteerLab.Engine.Sae.SaeLoader.Load(saeFolder);
            AssertSteersBothWays(Measure(loaded, [new(vector, -8)], _ => sae), Measure(loaded, [], _ => sae), Measure(loaded, [new(vector, 8)], _ => sae), output, "SAS", likelihoodBothWays: false);
        }
        finally { Directory.Delete(saeFolder, recursive: true); }
    }
}
