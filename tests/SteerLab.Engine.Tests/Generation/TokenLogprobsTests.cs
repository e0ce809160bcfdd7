using SteerLab.Engine.Generation;
using SteerLab.Engine.Models;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Generation;

public class TokenLogprobsTests
{
    const int Top = 5;

    /// <summary>Runs the whole sequence through the model at once (no cache) and returns log_softmax of the logits
    /// that predicted each new token: [new, vocab] as rows.</summary>
    static float[][] ReferenceLogprobs(TransformerModel model, GeneratedSequence sequence)
    {
        using var scope = NewDisposeScope();
        var all = sequence.AllIds.Select(id => (long)id).ToArray();
        var logits = model.Forward(new ForwardInput { InputIds = tensor(all, [1, all.Length]) }); // [1, seq, vocab]
        var logprobs = logits[0].log_softmax(-1); // [seq, vocab]
        int promptLength = sequence.PromptIds.Count;
        return Enumerable.Range(0, sequence.NewIds.Count)
            .Select(i => logprobs[promptLength - 1 + i].data<float>().ToArray()).ToArray();
    }

    [SkippableTheory]
    [InlineData(0.0)]  // greedy
    [InlineData(0.8)]  // sampled: the reported numbers are still the raw (temperature 1) distribution
    public void ReportedLogprobs_AreTheLogSoftmaxOfTheLogitsAtThatStep_AndTheTopAreSortedAndTheLargest(double temperature)
    {
        using var model = Stories260K.Load();
        var prompt = Stories260K.Prompts[0].PromptIds;
        var tokens = new List<GeneratedToken>();
        var sequence = new TokenGenerator(model).Generate(new GenerationRequest
        {
            Prompts = [prompt],
            MaxNewTokens = 12,
            Sampling = new SamplingSettings(temperature, TopK: 40, TopP: 0.9, Seed: 3),
            TopLogprobs = Top,
        }, tokens.Add)[0];

        var reference = ReferenceLogprobs(model, sequence);
        Assert.Equal(sequence.NewIds.Count, tokens.Count(t => !t.IsStop));
        for (int i = 0; i < sequence.NewIds.Count; i++)
        {
            var reported = tokens[i].Logprobs ?? throw new Xunit.Sdk.XunitException($"token {i} has no logprobs");
            var expected = reference[i];
            Assert.Equal(expected[sequence.NewIds[i]], reported.Logprob, 1e-4);
            Assert.Equal(Top, reported.Top.Count);
            foreach (var alternative in reported.Top) Assert.Equal(expected[alternative.Id], alternative.Logprob, 1e-4);
            // Sorted, most likely first, and really the largest: the 5th is at least every token left out.
            Assert.Equal(reported.Top.OrderByDescending(a => a.Logprob).Select(a => a.Id), reported.Top.Select(a => a.Id));
            var leftOut = expected.Where((_, id) => reported.Top.All(a => a.Id != id)).Max();
            Assert.True(reported.Top[^1].Logprob >= leftOut - 1e-5, $"token {i}: a token outside the top has logprob {leftOut}");
            if (temperature == 0) Assert.Equal(sequence.NewIds[i], reported.Top[0].Id); // greedy picks the most likely
        }
    }

    [SkippableFact]
    public void WithoutTopLogprobs_TokensCarryNone()
    {
        using var model = Stories260K.Load();
        var tokens = new List<GeneratedToken>();
        new TokenGenerator(model).Generate(new GenerationRequest { Prompts = [[1]], MaxNewTokens = 4 }, tokens.Add);
        Assert.All(tokens, t => Assert.Null(t.Logprobs));
    }
}
