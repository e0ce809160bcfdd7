using TorchSharp;
using TorchSharp.Modules;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Training;

/// <summary>The SAE's parameters while training, on inputs scaled to E‖x‖ = sqrt(d):
/// pre = (x − b_dec) W_enc + b_enc; TopK keeps the k largest of ReLU(pre), ReLU keeps ReLU(pre); x̂ = f W_dec + b_dec.
/// Decoder rows are held at unit norm (renormalised after each step; the gradient component along each row is
/// removed first, so Adam's steps are not spent on norm changes the renormalisation would undo).</summary>
sealed class TrainableSae : IDisposable
{
    /// <summary>[d, m]</summary>
    public Parameter WEnc { get; }
    /// <summary>[m, d], unit-norm rows.</summary>
    public Parameter WDec { get; }
    /// <summary>[m]</summary>
    public Parameter BEnc { get; }
    /// <summary>[d]</summary>
    public Parameter BDec { get; }

    readonly SaeTrainingKind kind;
    readonly int k;

    public int Width => (int)WDec.shape[0];
    public int DIn => (int)WDec.shape[1];
    public IEnumerable<Parameter> Parameters => [WEnc, WDec, BEnc, BDec];

    /// <summary>W_dec: random unit directions; W_enc = W_decᵀ (Gao et al.: starts near an identity map on the
    /// directions it covers); b_enc = 0; b_dec = the data mean (x̂ starts at the point FVU is measured against).</summary>
    public TrainableSae(int dIn, int width, SaeTrainingKind kind, int k, Tensor mean, Generator generator, Device device)
    {
        this.kind = kind;
        this.k = k;
        using var scope = NewDisposeScope();
        var directions = randn(width, dIn, generator: generator);
        directions /= directions.norm(1, keepdim: true);
        // Both copied before either becomes a parameter: a tensor derived from a parameter would not be a leaf.
        var decoder = directions.to(device).clone();
        var encoder = directions.t().to(device).contiguous().clone();
        WDec = new Parameter(decoder.DetachFromDisposeScope());
        WEnc = new Parameter(encoder.DetachFromDisposeScope());
        BEnc = new Parameter(zeros(width, device: device).DetachFromDisposeScope());
        BDec = new Parameter(mean.to(ScalarType.Float32).to(device).clone().DetachFromDisposeScope());
    }

    /// <summary>Pre-activations [batch, m] and codes [batch, m] of scaled inputs x [batch, d].</summary>
    public (Tensor Pre, Tensor Codes) Encode(Tensor x)
    {
        var pre = (x - BDec).matmul(WEnc).add(BEnc, TorchScalars.One);
        if (kind == SaeTrainingKind.ReluL1) return (pre, pre.relu());
        var (top, indices) = pre.topk(k, dim: -1);
        return (pre, zeros_like(pre).scatter(-1, indices, top.relu()));
    }

    public Tensor Decode(Tensor codes) => codes.matmul(WDec).add(BDec, TorchScalars.One);

    /// <summary>AuxK (Gao et al.): the k_aux largest pre-activations among dead features, decoded without bias,
    /// should explain the residual error e = x − x̂ (treated as a constant). Gives dead features a gradient.</summary>
    public Tensor AuxKReconstruction(Tensor pre, Tensor deadMask, int kAux)
    {
        var deadOnly = pre.masked_fill(deadMask.logical_not(), TorchScalars.NegativeInfinity);
        var (top, indices) = deadOnly.topk(kAux, dim: -1);
        return zeros_like(pre).scatter(-1, indices, top.relu()).matmul(WDec);
    }

    /// <summary>Removes from W_dec's gradient its component along each (unit) decoder row.</summary>
    public void ProjectDecoderGradient()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var gradient = WDec.grad;
        if (gradient is null) return;
        gradient.sub_((gradient * WDec).sum(1, keepdim: true) * WDec);
    }

    public void NormaliseDecoderRows()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var tiny = 1e-12.ToScalar();
        WDec.div_(WDec.norm(1, keepdim: true).clamp_min(tiny));
    }

    /// <summary>The trained SAE in activation units: inputs were multiplied by <paramref name="inputScale"/> during
    /// training, which is folded into the biases (b_enc/s, b_dec/s), so codes come out in activation units and the
    /// decoder rows keep unit norm: ReLU((x − b_dec/s) W_enc + b_enc/s) = ReLU(pre)/s, and TopK picks the same
    /// features since s &gt; 0.</summary>
    public SparseAutoencoder ToSparseAutoencoder(SaeConfig config, double inputScale)
    {
        using var noGrad = no_grad();
        using var scale = inputScale.ToScalar();
        return new SparseAutoencoder(config,
            WEnc.detach().cpu().clone(),
            WDec.detach().cpu().clone(),
            BEnc.detach().div(scale).cpu(),
            BDec.detach().div(scale).cpu());
    }

    public void Dispose()
    {
        WEnc.Dispose(); WDec.Dispose(); BEnc.Dispose(); BDec.Dispose();
    }
}
