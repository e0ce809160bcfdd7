using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Hooks;

public class HookTests
{
    static readonly HookKind[] Kinds = [HookKind.ResidPre, HookKind.AttnOut, HookKind.MlpOut, HookKind.ResidPost];

    [Theory]
    [InlineData("blocks.0.hook_resid_pre", 0, HookKind.ResidPre)]
    [InlineData("blocks.12.hook_resid_post", 12, HookKind.ResidPost)]
    [InlineData("blocks.3.hook_attn_out", 3, HookKind.AttnOut)]
    [InlineData("blocks.25.hook_mlp_out", 25, HookKind.MlpOut)]
    public void HookPointNames_RoundTrip(string name, int layer, HookKind kind)
    {
        var point = HookPoint.Parse(name);
        Assert.Equal(new HookPoint(layer, kind), point);
        Assert.Equal(name, point.Name);
    }

    [Theory]
    [InlineData("blocks.x.hook_resid_post")]
    [InlineData("blocks.1.hook_resid_mid")]
    [InlineData("model.layers.1")]
    public void MalformedHookNames_AreRejected(string name) =>
        Assert.Contains(name, Assert.Throws<FormatException>(() => HookPoint.Parse(name)).Message);

    [SkippableTheory]
    [InlineData("stories260K")]
    [InlineData("reference-models/tiny-gemma2")]
    [InlineData("reference-models/tiny-gpt2")]
    public void ZeroEditsAtEveryHook_LeaveLogitsBitIdentical(string checkpoint)
    {
        using var model = ModelLoader.Load(SharedData.Require(checkpoint));
        var tokens = ReferenceForwardTests_Tokens(checkpoint);
        using var ids = tensor(tokens).unsqueeze(0);
        using var plain = model.Forward(new ForwardInput { InputIds = ids });
        foreach (var scope in new[] { PositionScope.All, PositionScope.Prompt, PositionScope.Generated })
        {
            var hooks = new HookSet();
            int calls = 0;
            for (int l = 0; l < model.Config.LayerCount; l++)
                foreach (var kind in Kinds)
                    hooks.Intervene(new HookPoint(l, kind), (x, _) => { calls++; return x + zeros_like(x); }, scope);
            // Prompt of length n-3: the last three tokens count as "generated", so all three scopes edit something.
            var promptLengths = new[] { tokens.Length - 3 };
            using var hooked = model.Forward(new ForwardInput { InputIds = ids, Hooks = hooks, PromptLengths = promptLengths });
            Assert.Equal(4 * model.Config.LayerCount, calls);
            Assert.True(plain.data<float>().ToArray().SequenceEqual(hooked.data<float>().ToArray()), $"{scope}: logits changed");
        }
    }

    static long[] ReferenceForwardTests_Tokens(string checkpoint) => Models.ReferenceForwardTests.LoadReference(checkpoint).Tokens;

    [SkippableFact]
    public void GeneratedScopeIntervention_RunsAtEveryDecodeStep_AndChangesEachToken()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        int[] prompt = [1, 403, 407, 261, 378];
        var unsteered = generator.Generate(new GenerationRequest { Prompts = [prompt], MaxNewTokens = 12 })[0];

        var seenPositions = new List<long>();
        var logitsSeen = new List<float[]>();
        var hooks = new HookSet();
        using var direction = randn(model.Config.DModel, generator: new TorchSharp.torch.Generator(7)) * 3.0;
        hooks.Intervene(new HookPoint(2, HookKind.ResidPost), (x, context) =>
        {
            seenPositions.AddRange(context.Tokens.Positions.data<long>().ToArray());
            return x + direction;
        }, PositionScope.Generated);
        var steered = generator.Generate(new GenerationRequest { Prompts = [prompt], MaxNewTokens = 12, Hooks = hooks })[0];

        // The prefill holds only prompt tokens, so the hook is not called for it; every later forward (one per
        // generated token fed back) is steered at exactly that token's position.
        Assert.Equal(Enumerable.Range(prompt.Length, 11).Select(p => (long)p), seenPositions);
        Assert.Equal(unsteered.NewIds[0], steered.NewIds[0]); // first token comes from the unsteered prompt
        Assert.NotEqual(unsteered.NewIds, steered.NewIds);
    }

    [SkippableFact]
    public void SteeringEveryToken_ShiftsTheLogitsOfEveryDecodeStep()
    {
        using var model = Stories260K.Load();
        int[] prompt = [1, 403, 407];
        using var direction = randn(model.Config.DModel, generator: new TorchSharp.torch.Generator(11));
        var hooks = new HookSet().Intervene(new HookPoint(1, HookKind.ResidPost), (x, _) => x + direction, PositionScope.Generated);
        using var plainCache = model.NewCache();
        using var steeredCache = model.NewCache();
        using var p = tensor(prompt.Select(i => (long)i).ToArray()).unsqueeze(0);
        model.Forward(new ForwardInput { InputIds = p, Cache = plainCache, PromptLengths = [prompt.Length] }).Dispose();
        model.Forward(new ForwardInput { InputIds = p, Cache = steeredCache, PromptLengths = [prompt.Length], Hooks = hooks }).Dispose();
        foreach (long next in new long[] { 300, 301, 302, 303 })
        {
            using var ids = tensor(new[] { next }).unsqueeze(0);
            using var a = model.Forward(new ForwardInput { InputIds = ids, Cache = plainCache, PromptLengths = [prompt.Length] });
            using var b = model.Forward(new ForwardInput { InputIds = ids, Cache = steeredCache, PromptLengths = [prompt.Length], Hooks = hooks });
            Assert.True(TensorAssert.MaxAbsDiff(a, b) > 1e-3, $"decode step for token {next} was not steered");
        }
    }

    [SkippableFact]
    public void ScopedEdits_TouchOnlyTheirTokens_AndNeverPadding()
    {
        using var model = Stories260K.Load();
        // Row 0 is padded by two columns; its prompt is 3 tokens, the last 2 columns count as generated.
        using var ids = tensor(new long[,] { { 0, 0, 1, 403, 407, 261, 378 }, { 1, 291, 400, 428, 300, 301, 302 } });
        int[] pads = [2, 0], promptLengths = [3, 4];
        foreach (var scope in new[] { PositionScope.Prompt, PositionScope.Generated, PositionScope.All })
        {
            var hooks = new HookSet();
            hooks.Intervene(new HookPoint(0, HookKind.ResidPre), (x, _) => full_like(x, 100f), scope);
            Tensor? edited = null;
            hooks.Read(new HookPoint(0, HookKind.ResidPre), (x, _) => edited = x[.., .., 0].clone().DetachFromDisposeScope());
            model.Forward(new ForwardInput { InputIds = ids, Hooks = hooks, PadCounts = pads, PromptLengths = promptLengths }).Dispose();
            var touched = edited!.eq(100f).data<bool>().ToArray();
            bool[] expected = scope switch
            {
                PositionScope.Prompt => [false, false, true, true, true, false, false, true, true, true, true, false, false, false],
                PositionScope.Generated => [false, false, false, false, false, true, true, false, false, false, false, true, true, true],
                _ => [false, false, true, true, true, true, true, true, true, true, true, true, true, true],
            };
            Assert.Equal(expected, touched);
            edited.Dispose();
        }
    }

    [SkippableFact]
    public void Recorder_CachesActivationsAtChosenPositions_PerRow()
    {
        using var model = Stories260K.Load();
        var generator = new TokenGenerator(model);
        var hooks = new HookSet();
        var point = new HookPoint(3, HookKind.ResidPost);
        using var prompt = new ActivationRecorder(hooks, point, batchSize: 2, PositionScope.Prompt);
        using var generated = new ActivationRecorder(hooks, point, batchSize: 2, PositionScope.Generated);
        generator.Generate(new GenerationRequest { Prompts = [[1, 403, 407, 261, 378], [1, 291]], MaxNewTokens = 6, Hooks = hooks });
        Assert.Equal([0L, 1, 2, 3, 4], prompt.RowPositions(0));
        Assert.Equal([0L, 1], prompt.RowPositions(1));
        Assert.Equal([5L, 6, 7, 8, 9], generated.RowPositions(0));
        Assert.Equal([2L, 3, 4, 5, 6], generated.RowPositions(1));
        using var row1 = prompt.Row(1);
        Assert.Equal(new long[] { 2, model.Config.DModel }, row1.shape);

        // The padded row's prompt activations equal those of the same prompt run alone.
        var aloneHooks = new HookSet();
        using var alone = new ActivationRecorder(aloneHooks, point, batchSize: 1, PositionScope.Prompt);
        using var ids = tensor(new long[] { 1, 291 }).unsqueeze(0);
        model.Forward(new ForwardInput { InputIds = ids, Hooks = aloneHooks }).Dispose();
        using var aloneRow = alone.Row(0);
        Assert.True(TensorAssert.MaxAbsDiff(aloneRow, row1) < 1e-5);
    }
}
