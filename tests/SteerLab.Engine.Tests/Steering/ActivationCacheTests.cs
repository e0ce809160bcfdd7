using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Steering;

public sealed class ActivationCacheTests : IDisposable
{
    static readonly HookPoint Hook = new(2, HookKind.ResidPost);
    readonly string folder = Path.Combine(Path.GetTempPath(), "steerlab-activation-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    sealed class Setup : IDisposable
    {
        public TransformerModel Model { get; } = Stories260K.Load();
        public ContrastiveDataset Dataset { get; } = new("stories", ActivationPromptsTests.StoryQuestions);
        public ContrastivePrompts Prompts { get; } = new(ActivationPromptsTests.StoriesTokenizer());
        public ActivationExtractor Extractor { get; }
        public string ModelId { get; } = ModelIdentity.Of(Stories260K.Directory, ScalarType.Float32);

        public Setup() => Extractor = new ActivationExtractor(Model) { BatchSize = 4 };

        public ActivationCacheKey Key(HookPoint hook, ReadPosition position) => ActivationCacheKey.For(Dataset, ModelId, hook, position, Prompts);

        public ActivationCacheLookup Lookup(ActivationCache cache, HookPoint hook, ReadPosition position) =>
            cache.GetOrCompute(Key(hook, position), () => Extractor.Extract(Prompts.Tokenize(Dataset), hook, position));

        public void Dispose() => Model.Dispose();
    }

    [SkippableFact]
    public void SecondLookupWithTheSameKey_RunsNoForward_AndReturnsTheSameValues()
    {
        using var setup = new Setup();
        var cache = new ActivationCache(folder);
        using var first = setup.Lookup(cache, Hook, ReadPosition.AnswerToken);
        long forwards = setup.Extractor.ForwardPasses;
        Assert.False(first.FromCache);
        Assert.Equal("not cached", first.MissReason);
        Assert.True(forwards > 0);

        using var second = setup.Lookup(new ActivationCache(folder), Hook, ReadPosition.AnswerToken);
        Assert.True(second.FromCache);
        Assert.Equal(forwards, setup.Extractor.ForwardPasses); // no model forward at all
        Assert.Equal(0, TensorAssert.MaxAbsDiff(first.Activations.Positive, second.Activations.Positive));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(first.Activations.Negative, second.Activations.Negative));
        Assert.Equal(Hook, second.Activations.Hook);
        Assert.Equal(ReadPosition.AnswerToken, second.Activations.Position);
    }

    [SkippableFact]
    public void AnotherHookReadPositionDatasetOrModel_MissesTheCache()
    {
        using var setup = new Setup();
        var cache = new ActivationCache(folder);
        setup.Lookup(cache, Hook, ReadPosition.AnswerToken).Dispose();
        long forwards = setup.Extractor.ForwardPasses;

        using (var otherHook = setup.Lookup(cache, new HookPoint(3, HookKind.ResidPost), ReadPosition.AnswerToken)) Assert.False(otherHook.FromCache);
        Assert.True(setup.Extractor.ForwardPasses > forwards);
        forwards = setup.Extractor.ForwardPasses;
        using (var otherPosition = setup.Lookup(cache, Hook, ReadPosition.CompletionMean)) Assert.False(otherPosition.FromCache);
        Assert.True(setup.Extractor.ForwardPasses > forwards);

        var key = setup.Key(Hook, ReadPosition.AnswerToken);
        foreach (var other in new[] { key with { DatasetHash = new string('0', 64) }, key with { ModelId = ModelIdentity.Of(Stories260K.Directory, ScalarType.BFloat16) }, key with { PromptFormat = "gemma/1" } })
        {
            Assert.NotEqual(key.FileName, other.FileName);
            Assert.False(cache.TryLoad(other, out _, out _));
        }
        Assert.Equal(3, Directory.GetFiles(folder, "*.safetensors").Length);
    }

    [SkippableFact]
    public void CorruptedCacheFile_IsDetectedAndRecomputed()
    {
        using var setup = new Setup();
        var cache = new ActivationCache(folder);
        var key = setup.Key(Hook, ReadPosition.AnswerToken);
        using var original = setup.Lookup(cache, Hook, ReadPosition.AnswerToken);
        string path = cache.PathOf(key);

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x40; // flip one bit inside the negative tensor's data
        File.WriteAllBytes(path, bytes);
        long forwards = setup.Extractor.ForwardPasses;
        using (var recomputed = setup.Lookup(cache, Hook, ReadPosition.AnswerToken))
        {
            Assert.False(recomputed.FromCache);
            Assert.Contains("checksum", recomputed.MissReason);
            Assert.True(setup.Extractor.ForwardPasses > forwards);
            Assert.Equal(0, TensorAssert.MaxAbsDiff(original.Activations.Negative, recomputed.Activations.Negative));
        }
        using (var repaired = setup.Lookup(cache, Hook, ReadPosition.AnswerToken)) Assert.True(repaired.FromCache);

        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); // truncated
        using (var truncated = setup.Lookup(cache, Hook, ReadPosition.AnswerToken))
        {
            Assert.False(truncated.FromCache);
            Assert.Contains("unreadable", truncated.MissReason);
        }

        // A file written for another key, found under this key's name, is not used.
        using (var other = setup.Lookup(cache, Hook, ReadPosition.LastPromptToken)) { }
        File.Copy(cache.PathOf(setup.Key(Hook, ReadPosition.LastPromptToken)), path, overwrite: true);
        using (var mismatched = setup.Lookup(cache, Hook, ReadPosition.AnswerToken))
        {
            Assert.False(mismatched.FromCache);
            Assert.Contains("read_position", mismatched.MissReason);
            Assert.Equal(0, TensorAssert.MaxAbsDiff(original.Activations.Positive, mismatched.Activations.Positive));
        }
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [SkippableFact]
    public void ModelIdentity_IsStable_AndDependsOnTheWeightType()
    {
        string directory = Stories260K.Directory;
        Assert.Equal(ModelIdentity.Of(directory, ScalarType.Float32), ModelIdentity.Of(directory, ScalarType.Float32));
        Assert.NotEqual(ModelIdentity.Of(directory, ScalarType.Float32), ModelIdentity.Of(directory, ScalarType.BFloat16));
        Assert.StartsWith("sha256:", ModelIdentity.Of(directory, ScalarType.Float32));
    }
}
