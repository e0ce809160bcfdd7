using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Models;

/// <summary>Logits and residual streams of real checkpoints against numbers from independent implementations
/// (llama2.c's run.c for stories260K; pure-Python forwards written from the Hugging Face model definitions for
/// the tiny Gemma-2 and GPT-2), both as one full-sequence forward and token by token through the KV cache.</summary>
public class ReferenceForwardTests
{
    const double Tolerance = 1e-4;

    public static TheoryData<string> Checkpoints => new() { "stories260K", "reference-models/tiny-gemma2", "reference-models/tiny-gpt2" };

    internal static ReferenceRun LoadReference(string checkpoint)
    {
        var json = ReferenceRun.LoadJson(Path.Combine(SharedData.Require(checkpoint), "reference.json"));
        return checkpoint == "stories260K" ? ReferenceRun.Stories260K(json) : ReferenceRun.TinyModel(json);
    }

    [SkippableTheory]
    [MemberData(nameof(Checkpoints))]
    public void FullSequenceForward_MatchesReferenceLogitsAndResiduals(string checkpoint)
    {
        var reference = LoadReference(checkpoint);
        using var model = ModelLoader.Load(SharedData.Require(checkpoint));
        var hooks = new HookSet();
        var recorders = Enumerable.Range(0, model.Config.LayerCount)
            .Select(l => new ActivationRecorder(hooks, new HookPoint(l, HookKind.ResidPost), batchSize: 1)).ToList();
        using var ids = tensor(reference.Tokens).unsqueeze(0);
        using var logits = model.Forward(new ForwardInput { InputIds = ids, Hooks = hooks });
        for (int p = 0; p < reference.Tokens.Length; p++)
        {
            TensorAssert.Close(reference.Logits[p], logits[0, p], Tolerance, $"{checkpoint} logits at position {p}");
            for (int l = 0; l < model.Config.LayerCount; l++)
                TensorAssert.Close(reference.ResidPost[p][l], recorders[l].Row(0)[p], Tolerance, $"{checkpoint} resid_post[{l}] at position {p}");
        }
        recorders.ForEach(r => r.Dispose());
    }

    [SkippableTheory]
    [MemberData(nameof(Checkpoints))]
    public void TokenByTokenThroughKvCache_MatchesReferenceLogitsAndResiduals(string checkpoint)
    {
        var reference = LoadReference(checkpoint);
        using var model = ModelLoader.Load(SharedData.Require(checkpoint));
        using var cache = model.NewCache(initialCapacity: 4); // small, so the cache has to grow on the way
        for (int p = 0; p < reference.Tokens.Length; p++)
        {
            var hooks = new HookSet();
            var recorders = Enumerable.Range(0, model.Config.LayerCount)
                .Select(l => new ActivationRecorder(hooks, new HookPoint(l, HookKind.ResidPost), batchSize: 1)).ToList();
            using var ids = tensor(new[] { reference.Tokens[p] }).unsqueeze(0);
            using var logits = model.Forward(new ForwardInput { InputIds = ids, Cache = cache, Hooks = hooks });
            TensorAssert.Close(reference.Logits[p], logits[0, 0], Tolerance, $"{checkpoint} cached logits at position {p}");
            for (int l = 0; l < model.Config.LayerCount; l++)
            {
                using var row = recorders[l].Row(0);
                Assert.Equal(p, recorders[l].RowPositions(0).Single());
                TensorAssert.Close(reference.ResidPost[p][l], row[0], Tolerance, $"{checkpoint} cached resid_post[{l}] at position {p}");
            }
            recorders.ForEach(r => r.Dispose());
        }
    }
}
