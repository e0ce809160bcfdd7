using SteerLab.Engine.Sae;
using SteerLab.Engine.Tests.Sae;
using static SteerLab.Engine.Tests.Malformed.MalformedBytes;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>SAE configs: SAELens cfg.json (beside valid weights for d_in 2, d_sae 3, so only the config is wrong) and
/// Llama Scope hyperparams.json, loaded through <see cref="SaeLoader.Load"/> as a user's path would be.</summary>
static class SaeConfigCases
{
    /// <summary>A SAELens ≥ 6 config that loads with <see cref="SaeTestFolders.SaeLensTensors"/>.</summary>
    public static string ValidConfig(string dIn = "2", string dSae = "3", string architecture = "\"standard\"", string extra = "",
        string hook = "\"blocks.0.hook_resid_post\"") =>
        $$$"""{"architecture": {{{architecture}}}, "d_in": {{{dIn}}}, "d_sae": {{{dSae}}}, "dtype": "float32", {{{extra}}}"metadata": {"hook_name": {{{hook}}}, "model_name": "tiny"}}""";

    static MalformedCase Cfg(string description, byte[] cfg, string problem) =>
        new("SAE cfg.json", description, typeof(SaeFormatException), problem,
            folder =>
            {
                SaeTestFolders.WriteSaeLens(folder, "{}", SaeTestFolders.SaeLensTensors());
                return (folder, Write(folder, "cfg.json", cfg));
            },
            folder => SaeLoader.Load(folder));

    static MalformedCase Cfg(string description, string cfg, string problem) => Cfg(description, Utf8(cfg), problem);

    static MalformedCase Hyperparams(string description, string json, string problem) =>
        new("SAE hyperparams.json", description, typeof(SaeFormatException), problem,
            folder =>
            {
                Directory.CreateDirectory(Path.Combine(folder, "checkpoints"));
                SaeTestFolders.WriteSafetensors(Path.Combine(folder, "checkpoints", "final.safetensors"), [("encoder.weight", [3, 2], [1, 0, 0, 1, 1, 1])]);
                return (folder, Write(folder, "hyperparams.json", json));
            },
            folder => SaeLoader.Load(folder));

    public static IEnumerable<MalformedCase> All() =>
    [
        Cfg("missing d_sae", """{"architecture": "standard", "d_in": 2, "metadata": {"hook_name": "blocks.0.hook_resid_post"}}""", "$.d_sae is missing"),
        Cfg("negative width", ValidConfig(dSae: "-3"), "$.d_sae must be a positive integer"),
        Cfg("width 2^40", ValidConfig(dSae: "1099511627776"), "$.d_sae must be a positive integer below 2^31"),
        Cfg("width 1e400", ValidConfig(dSae: "1e400"), "$.d_sae must be an integer"),
        Cfg("d_in a string", ValidConfig(dIn: "\"2\""), "$.d_in must be an integer"),
        Cfg("k greater than the width", ValidConfig(architecture: "\"topk\"", extra: "\"k\": 4, "), "$.k must be in [1, d_sae = 3], got 4"),
        Cfg("k 1e400", ValidConfig(architecture: "\"topk\"", extra: "\"k\": 1e400, "), "$.k must be an integer"),
        Cfg("hook_name garbage", ValidConfig(hook: "\"blocks.0.hook_resid_post; rm -rf /\""), "is not a supported hook point"),
        Cfg("hook_name with a layer beyond int32", ValidConfig(hook: "\"blocks.99999999999.hook_resid_post\""), "is not a supported hook point"),
        Cfg("unknown architecture", ValidConfig(architecture: "\"gated\""), "$.architecture 'gated' is unknown"),
        Cfg("not JSON (truncated)", ValidConfig()[..40], "not valid JSON"),
        Cfg("JSON nested 10,000 deep", $$$"""{"d_in": 2, "d_sae": 3, "x": {{{NestedArrays(10_000)}}}}""", "not valid JSON"),
        Cfg("root is an array", "[2, 3]", "the JSON root must be an object"),
        Cfg("invalid UTF-8 in the model name", Splice(ValidConfig(), "tiny", InvalidUtf8), "not valid JSON: the file is not valid UTF-8"),
        Hyperparams("d_sae derived from an expansion factor of 2^40", """{"d_model": 4096, "expansion_factor": 1099511627776, "hook_point_in": "blocks.0.hook_resid_post", "act_fn": "relu"}""", "$.d_sae must be a positive integer below 2^31"),
    ];
}
