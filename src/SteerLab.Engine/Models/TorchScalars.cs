using TorchSharp;

namespace SteerLab.Engine.Models;

/// <summary>TorchSharp Scalars the engine may pass to libtorch from any thread.
/// <para>Why: a <see cref="Scalar"/> wraps a native c10::Scalar freed by its finalizer, and dispose scopes do not
/// track it. A temporary one (`x.add_(1e-5)`, `x * 0.5`, and inside TorchSharp `a + b` / `a.add(b)`, which pass an
/// implicit alpha of 1) is unreachable once TorchSharp has read its handle, so a collection triggered by another
/// thread can free it while libtorch still reads it ("Expected false to be true ... toFloat", or wrong numbers).
/// So the engine creates each Scalar where its lifetime provably covers the native call: `using var s =
/// value.ToScalar();` for per-call values, and these process-lifetime constants (static fields are roots: never
/// collected, never finalized) for the common ones. Use <c>x.add(y, TorchScalars.One)</c> for a tensor sum.
/// tests/SteerLab.Engine.Tests/Threading/NoImplicitScalarsTests guards the rule.</para>
/// <para>Each constant is made from the same .NET type the implicit conversion used, so numerics are unchanged.</para></summary>
static class TorchScalars
{
    /// <summary>Integer 1: the alpha of <c>add(Tensor, Scalar alpha)</c>, what <c>a + b</c> passes.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>Integer 0 (masked_fill, clamp_min, comparisons).</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Integer 2 (squares: <c>pow(TorchScalars.Two)</c>).</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>float -∞ (masked_fill of attention scores and logits).</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();
}
