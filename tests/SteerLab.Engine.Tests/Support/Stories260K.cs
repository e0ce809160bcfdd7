using System.Text.Json;
using SteerLab.Engine.Models;

namespace SteerLab.Engine.Tests.Support;

/// <summary>The real pretrained stories260K model and llama2.c's reference numbers for it.</summary>
public static class Stories260K
{
    public static string Directory => SharedData.Require("stories260K");
    public static JsonElement Reference => ReferenceRun.LoadJson(Path.Combine(Directory, "reference.json"));
    public static TransformerModel Load() => ModelLoader.Load(Directory);

    public sealed record PromptCase(string Text, int[] PromptIds, int[] GreedyIds, string RuncStdout);

    public static IReadOnlyList<PromptCase> Prompts => Reference.GetProperty("prompts").EnumerateArray().Select(p => new PromptCase(
        p.GetProperty("text").GetString()!,
        p.GetProperty("prompt_ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
        p.GetProperty("greedy_ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
        p.GetProperty("runc_stdout").GetString()!)).ToList();
}
