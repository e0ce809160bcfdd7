using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering;

/// <summary>The SAS code edit (DESIGN §5) at one hook: c = f(a), s = σ(c + Σλᵢvᵢ), a ← g(s) + (a − g(c)).
/// Because σ is idempotent on its own outputs, every feature outside supp(v) cancels, so
/// a ← a + Σ_{j∈supp v} (s_j − c_j)·W_dec[j] (times the SAE's output normalisation). The <b>fast path</b>
/// computes exactly that, encoding only the columns in supp(v): O(d·|supp v|) per token instead of O(d·m).
/// The <b>full path</b> encodes and decodes all m features; it is used for TopK SAEs (σ is not per-feature),
/// without the Δ correction (a ← g(s)), and as the reference the fast path is tested against. Written as
/// a + (g(s) − g(c)) so that λ = 0 returns a exactly.</summary>
public sealed class SasIntervention : IDisposable
{
    readonly SparseAutoencoder sae;
    readonly Tensor indices;       // [n] int64: supp(v)
    readonly Tensor scaledValues;  // [n] float32: Σλᵢvᵢ on supp(v)
    readonly Tensor encoderColumns;  // [d, n]
    readonly Tensor encoderBias;     // [n]
    readonly Tensor decoderRows;     // [n, d]
    readonly Tensor? thresholds;     // [n]
    readonly Tensor fullDelta;       // [m] dense Σλᵢvᵢ (full path)

    public bool UseDeltaCorrection { get; }
    public bool UsesFastPath { get; }

    /// <param name="combined">Σλᵢvᵢ over the SAE's features (several SAS vectors at one hook combine here).</param>
    public SasIntervention(SparseAutoencoder sae, SparseValues combined, bool useDeltaCorrection = true, bool forceFullPath = false)
    {
        if (combined.Width != sae.DSae)
            throw new ArgumentException($"the sparse vector has width {combined.Width} but the SAE has {sae.DSae} features");
        this.sae = sae;
        UseDeltaCorrection = useDeltaCorrection;
        UsesFastPath = sae.Config.IsPerFeature && useDeltaCorrection && !forceFullPath;
        var device = sae.WEnc.device;
        indices = tensor(combined.Indices.Select(i => (long)i).ToArray(), device: device);
        scaledValues = tensor(combined.Values, device: device);
        encoderColumns = sae.WEnc.index_select(1, indices).contiguous();
        encoderBias = sae.BEnc.index_select(0, indices);
        decoderRows = sae.WDec.index_select(0, indices).contiguous();
        thresholds = sae.Threshold?.index_select(0, indices);
        fullDelta = zeros(sae.DSae, device: device).index_put_(scaledValues, indices);
    }

    public Tensor Apply(Tensor activation, HookContext _) =>
        UsesFastPath ? FastPath(activation) : FullPath(activation);

    /// <summary>a + outScale·Σ_{j∈supp v}(σ_j(c_j + λv_j) − c_j)·W_dec[j], with c_j = σ_j(pre_j) from the supp(v) columns only.</summary>
    public Tensor FastPath(Tensor activation)
    {
        using var scope = NewDisposeScope();
        var (normalised, outScale, _) = sae.Normalise(activation);
        var input = sae.Config.ApplyBDecToInput ? normalised - sae.BDec : normalised;
        var pre = input.matmul(encoderColumns).add(encoderBias, TorchScalars.One); // [.., n]
        var codes = ActivatePerFeature(pre);
        var steered = ActivatePerFeature(codes.add(scaledValues, TorchScalars.One));
        var change = (steered - codes).matmul(decoderRows);            // [.., d]
        if (outScale is not null) change = change * outScale;
        return scope.MoveToOuter(activation.add(change.to(activation.dtype), TorchScalars.One));
    }

    /// <summary>Encode all features, edit, decode: a + (g(s) − g(c)) with Δ, or g(s) without.</summary>
    public Tensor FullPath(Tensor activation)
    {
        using var scope = NewDisposeScope();
        var (normalised, outScale, outShift) = sae.Normalise(activation);
        var codes = sae.Activate(sae.PreActivations(normalised));
        var steered = sae.Activate(codes.add(fullDelta, TorchScalars.One));
        Tensor result;
        if (UseDeltaCorrection)
        {
            var change = (steered - codes).matmul(sae.WDec);
            if (outScale is not null) change = change * outScale;
            result = activation.add(change.to(activation.dtype), TorchScalars.One);
        }
        else result = SparseAutoencoder.Denormalise(sae.DecodeNormalised(steered), outScale, outShift).to(activation.dtype);
        return scope.MoveToOuter(result);
    }

    Tensor ActivatePerFeature(Tensor values) => sae.Config.Activation switch
    {
        SaeActivation.Relu => values.relu(),
        SaeActivation.JumpRelu => values * values.gt(thresholds!),
        _ => throw new InvalidOperationException("the fast path needs a per-feature activation"),
    };

    public void Dispose()
    {
        indices.Dispose(); scaledValues.Dispose(); encoderColumns.Dispose(); encoderBias.Dispose();
        decoderRows.Dispose(); thresholds?.Dispose(); fullDelta.Dispose();
    }
}
