using System.Text.RegularExpressions;

namespace SteerLab.Engine.Hooks;

/// <summary>Where in a decoder block a hook sits (TransformerLens / SAELens names).</summary>
public enum HookKind { ResidPre, AttnOut, MlpOut, ResidPost }

/// <summary>A named hook point such as <c>blocks.12.hook_resid_post</c>. <c>blocks.L.hook_resid_post</c> is the
/// output of decoder block L (Hugging Face <c>hidden_states[L+1]</c>); <c>hook_attn_out</c> and
/// <c>hook_mlp_out</c> are what the block adds to the residual stream.</summary>
public readonly partial record struct HookPoint(int Layer, HookKind Kind)
{
    public string Name => $"blocks.{Layer}.{Kind switch
    {
        HookKind.ResidPre => "hook_resid_pre",
        HookKind.AttnOut => "hook_attn_out",
        HookKind.MlpOut => "hook_mlp_out",
        _ => "hook_resid_post",
    }}";

    public override string ToString() => Name;

    public static HookPoint Parse(string name) =>
        TryParse(name, out var point) ? point
        : throw new FormatException($"'{name}' is not a hook point; expected blocks.<layer>.hook_resid_pre|hook_resid_post|hook_attn_out|hook_mlp_out");

    public static bool TryParse(string name, out HookPoint point)
    {
        var match = Pattern().Match(name);
        point = default;
        if (!match.Success || !int.TryParse(match.Groups[1].Value, out int layer)) return false;
        point = new HookPoint(layer, match.Groups[2].Value switch
        {
            "resid_pre" => HookKind.ResidPre,
            "attn_out" => HookKind.AttnOut,
            "mlp_out" => HookKind.MlpOut,
            _ => HookKind.ResidPost,
        });
        return true;
    }

    [GeneratedRegex(@"^blocks\.(\d{1,4})\.hook_(resid_pre|resid_post|attn_out|mlp_out)$")]
    private static partial Regex Pattern();
}
