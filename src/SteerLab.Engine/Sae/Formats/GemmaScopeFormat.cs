using System.Text.RegularExpressions;
using SteerLab.Engine.Hooks;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>Gemma Scope SAEs: one <c>params.npz</c> with <c>W_enc</c> [d, m], <c>W_dec</c> [m, d],
/// <c>b_enc</c> [m], <c>b_dec</c> [d] and <c>threshold</c> [m]; JumpReLU; b_dec is not subtracted from the
/// input. The release lays files out as <c>layer_{L}/width_{16k…1m}/average_l0_{N}/params.npz</c>, which is
/// where the layer comes from; the npz itself does not say which hook it reads.</summary>
public static partial class GemmaScopeFormat
{
    public const string FileName = "params.npz";

    /// <summary>Loads <paramref name="npzPath"/>; shapes are checked from the .npy headers before any weight
    /// is read, and the arrays may take at most <paramref name="maxBytes"/> in all.</summary>
    public static SparseAutoencoder Load(string npzPath, long maxBytes = SaeLoader.DefaultMaxBytes)
    {
        using var archive = NpzArchive.Open(npzPath, maxBytes);
        // SAELens's converter also accepts lower-case w_enc/w_dec; so do we.
        string wEncName = Name(archive, "W_enc", "w_enc");
        string wDecName = Name(archive, "W_dec", "w_dec");
        string bEncName = Name(archive, "b_enc"), bDecName = Name(archive, "b_dec"), thresholdName = Name(archive, "threshold");

        var wEncHeader = archive.ReadHeader(wEncName);
        if (wEncHeader.Shape.Length != 2)
            throw new SaeFormatException(archive.SourceOf(wEncName), $"W_enc must be a matrix [d_in, d_sae], found shape {wEncHeader.ShapeText}");
        int dIn = SaeChecks.Dimension(npzPath, "d_in (W_enc rows)", wEncHeader.Shape[0]);
        int dSae = SaeChecks.Dimension(npzPath, "d_sae (W_enc columns)", wEncHeader.Shape[1]);
        SaeChecks.CheckTotalSize(npzPath, dIn, dSae, maxBytes);
        Expect(archive, wDecName, "W_dec", [dSae, dIn], "d_sae, d_in");
        Expect(archive, bEncName, "b_enc", [dSae], "d_sae");
        Expect(archive, bDecName, "b_dec", [dIn], "d_in");
        Expect(archive, thresholdName, "threshold", [dSae], "d_sae");

        var config = new SaeConfig
        {
            DIn = dIn,
            DSae = dSae,
            Activation = SaeActivation.JumpRelu,
            ApplyBDecToInput = false,
            Normalization = SaeNormalization.None,
            Hook = InferHook(npzPath),
            Source = npzPath,
        };
        using var scope = NewDisposeScope();
        return SaeChecks.Assemble(scope, npzPath, config,
            archive.ReadFloat32(wEncName), archive.ReadFloat32(wDecName), archive.ReadFloat32(bEncName),
            archive.ReadFloat32(bDecName), archive.ReadFloat32(thresholdName));
    }

    /// <summary>The hook a Gemma Scope path implies: <c>layer_{L}/width_…/average_l0_…/params.npz</c> →
    /// <c>blocks.L.hook_resid_post</c> (the residual-stream releases read the block output). A path inside an
    /// MLP release (a folder named like <c>gemma-scope-2b-pt-mlp</c>) gives <c>blocks.L.hook_mlp_out</c>. The
    /// attention releases read <c>attn.hook_z</c> and the transcoders map the MLP input to its output, neither
    /// of which is one of our hook points, so they give null, as does a path without the layout.</summary>
    public static HookPoint? InferHook(string path)
    {
        string normalised = Path.GetFullPath(path).Replace('\\', '/');
        var layout = LayoutPattern().Match(normalised);
        if (!layout.Success || !int.TryParse(layout.Groups[1].Value, out int layer)) return null;
        string release = normalised[..layout.Index];
        if (UnsupportedRelease().IsMatch(release)) return null;
        return new HookPoint(layer, MlpRelease().IsMatch(release) ? HookKind.MlpOut : HookKind.ResidPost);
    }

    static string Name(NpzArchive archive, params string[] candidates) =>
        candidates.FirstOrDefault(archive.Contains)
        ?? throw new SaeFormatException(archive.Path,
            $"missing array '{candidates[0]}': a Gemma Scope params.npz holds W_enc, W_dec, b_enc, b_dec and threshold (found: {string.Join(", ", archive.Names.Order())})");

    static void Expect(NpzArchive archive, string entry, string name, long[] expected, string meaning) =>
        SaeChecks.ExpectShape(archive.SourceOf(entry), name, archive.ReadHeader(entry).Shape, expected, meaning);

    [GeneratedRegex(@"/layer_(\d{1,4})/width_[^/]+/average_l0_[^/]+/[^/]+$")]
    private static partial Regex LayoutPattern();

    [GeneratedRegex(@"gemma-scope-[^/]*-mlp[^/]*(?:/|$)", RegexOptions.IgnoreCase)]
    private static partial Regex MlpRelease();

    [GeneratedRegex(@"gemma-scope-[^/]*-(?:att|transcoder)[^/]*(?:/|$)", RegexOptions.IgnoreCase)]
    private static partial Regex UnsupportedRelease();
}
