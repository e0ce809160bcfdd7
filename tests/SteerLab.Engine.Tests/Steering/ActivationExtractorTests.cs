using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Steering;

public class ActivationExtractorTests
{
    static readonly HookPoint Hook = new(2, HookKind.ResidPost);

    internal static IReadOnlyList<TokenizedPair> StoryPairs() =>
        new ContrastivePrompts(ActivationPromptsTests.StoriesTokenizer()).Tokenize(new ContrastiveDataset("stories", ActivationPromptsTests.StoryQuestions));

    [SkippableTheory]
    [InlineData(ReadPosition.AnswerToken)]
    [InlineData(ReadPosition.LastPromptToken)]
    [InlineData(ReadPosition.CompletionMean)]
    public void BatchedExtraction_EqualsOneAtATimeForwards(ReadPosition position)
    {
        using var model = Stories260K.Load();
        var pairs = StoryPairs();
        Assert.True(pairs.Select(p => p.Positive.Ids.Count).Distinct().Count() > 1, "the test needs sequences of different lengths (padding)");
        using var batched = new ActivationExtractor(model) { BatchSize = 3 }.Extract(pairs, Hook, position);
        using var single = new ActivationExtractor(model) { BatchSize = 1 }.Extract(pairs, Hook, position);
        Assert.Equal([pairs.Count, model.Config.DModel], batched.Positive.shape);
        Assert.Equal([pairs.Count, model.Config.DModel], batched.Negative.shape);
        Assert.Equal(Hook, batched.Hook);
        Assert.Equal(position, batched.Position);
        Assert.True(TensorAssert.MaxAbsDiff(single.Positive, batched.Positive) <= 1e-5, $"positive: {TensorAssert.MaxAbsDiff(single.Positive, batched.Positive)}");
        Assert.True(TensorAssert.MaxAbsDiff(single.Negative, batched.Negative) <= 1e-5, $"negative: {TensorAssert.MaxAbsDiff(single.Negative, batched.Negative)}");
        if (position == ReadPosition.LastPromptToken) // both sides share the prompt: same activation (causal model)
            Assert.True(TensorAssert.MaxAbsDiff(batched.Positive, batched.Negative) <= 1e-6);
        else
            Assert.True(TensorAssert.MaxAbsDiff(batched.Positive, batched.Negative) > 1e-3);
    }

    [SkippableFact]
    public void ExtractedRow_IsTheHookActivationAtTheLetterToken()
    {
        using var model = Stories260K.Load();
        var pairs = StoryPairs();
        using var activations = new ActivationExtractor(model).Extract(pairs, Hook, ReadPosition.AnswerToken);
        var example = pairs[1].Negative;
        float[]? expected = null;
        var hooks = new HookSet().Read(Hook, (x, _) => expected = x[0, example.LetterIndex!.Value].to(ScalarType.Float32).cpu().data<float>().ToArray());
        using var ids = tensor(example.Ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        using var logits = model.Forward(new ForwardInput { InputIds = ids, Hooks = hooks });
        TensorAssert.Close(expected!, activations.Negative[1], 1e-5, "h⁻ of pair 1");
    }

    [SkippableFact]
    public void Extractor_CountsForwards_ReportsProgress_AndCancels()
    {
        using var model = Stories260K.Load();
        var pairs = StoryPairs();
        var extractor = new ActivationExtractor(model) { BatchSize = 3 };
        var reports = new List<(int Done, int Total)>();
        using (extractor.Extract(pairs, Hook, ReadPosition.AnswerToken, (done, total) => reports.Add((done, total)))) { }
        Assert.Equal(3, extractor.ForwardPasses); // 8 sequences in batches of 3
        Assert.Equal([(3, 8), (6, 8), (8, 8)], reports);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => extractor.Extract(pairs, Hook, ReadPosition.AnswerToken, cancellationToken: cancelled.Token));
        Assert.Equal(3, extractor.ForwardPasses);
        Assert.Throws<ArgumentException>(() => extractor.Extract(pairs, new HookPoint(model.Config.LayerCount, HookKind.ResidPost), ReadPosition.AnswerToken));
    }
}
