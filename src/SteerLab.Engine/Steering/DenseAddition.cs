using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering;

/// <summary>Adds α·v to the activation at every steered token (CAA, top-k ENR, SAE-TS).
/// Several dense vectors at one hook are summed into one addition.</summary>
public sealed class DenseAddition : IDisposable
{
    readonly Tensor delta; // [d_model], float32

    public DenseAddition(Tensor delta) => this.delta = delta.to(ScalarType.Float32).detach().DetachFromDisposeScope();

    public Tensor Apply(Tensor activation, HookContext _) =>
        activation.add(delta.to(activation.dtype, activation.device), TorchScalars.One);

    public void Dispose() => delta.Dispose();
}
