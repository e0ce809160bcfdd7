using SteerLab.Engine.Generation;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Server.Tests.Support;

/// <summary>What the engine itself generates, called directly (no server, no jobs): the expected output of jobs.</summary>
public static class EngineReference
{
    public static readonly int[] OnceUponATime = [1, 403, 407, 261, 378]; // "Once upon a time" with BOS, for stories260K

    public static int[] GreedyNewIds(string model, IReadOnlyList<int> promptIds, int maxNewTokens)
    {
        string dir = Path.Combine(SharedData.ModelRoot, model);
        using var loaded = ModelLoader.Load(dir);
        var tokenizer = TokenizerLoader.Load(dir);
        var request = new GenerationRequest
        {
            Prompts = [promptIds],
            MaxNewTokens = maxNewTokens,
            StopIds = loaded.Config.EosIds.Concat(tokenizer?.StopIds ?? []).ToHashSet(),
        };
        return [.. new TokenGenerator(loaded).Generate(request)[0].NewIds];
    }
}
