using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Support;

public static class TensorAssert
{
    /// <summary>Asserts max |actual − expected| ≤ tolerance and reports the worst index.</summary>
    public static void Close(float[] expected, Tensor actual, double tolerance, string what)
    {
        var values = actual.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        Assert.True(expected.Length == values.Length, $"{what}: expected {expected.Length} values, got {values.Length}");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < values.Length; i++)
        {
            double diff = Math.Abs(values[i] - expected[i]);
            if (!(diff <= worst)) { worst = diff; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: max |diff| {worst:G4} at index {at} (expected {expected[Math.Max(at, 0)]}, got {values[Math.Max(at, 0)]}) exceeds {tolerance}");
    }

    public static double MaxAbsDiff(Tensor a, Tensor b) => (a.to(ScalarType.Float32) - b.to(ScalarType.Float32)).abs().max().item<float>();
}
