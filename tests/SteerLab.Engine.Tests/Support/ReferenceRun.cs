using System.Text.Json;

namespace SteerLab.Engine.Tests.Support;

/// <summary>Per-position reference numbers from an independent implementation: the token ids fed, and after
/// feeding tokens[0..p] the logits at p and the residual stream after every layer at p.</summary>
public sealed record ReferenceRun(long[] Tokens, float[][] Logits, float[][][] ResidPost)
{
    /// <summary>stories260K/reference.json (llama2.c run.c): the top-level <c>prompt</c> and <c>positions</c>.</summary>
    public static ReferenceRun Stories260K(JsonElement root) => Read(root.GetProperty("prompt"), root.GetProperty("positions"));

    /// <summary>reference-models/*/reference.json: <c>tokens</c> and <c>positions</c>.</summary>
    public static ReferenceRun TinyModel(JsonElement root) => Read(root.GetProperty("tokens"), root.GetProperty("positions"));

    static ReferenceRun Read(JsonElement tokens, JsonElement positions)
    {
        var ids = tokens.EnumerateArray().Select(t => t.GetInt64()).ToArray();
        var ordered = positions.EnumerateArray().OrderBy(p => p.GetProperty("pos").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, ordered.Count), ordered.Select(p => p.GetProperty("pos").GetInt32()));
        return new ReferenceRun(ids,
            ordered.Select(p => Floats(p.GetProperty("logits"))).ToArray(),
            ordered.Select(p => p.GetProperty("resid_post").EnumerateArray().Select(Floats).ToArray()).ToArray());
    }

    static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    public static JsonElement LoadJson(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
}
