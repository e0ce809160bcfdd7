using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.SaeTs;

/// <summary>SAE-TS step 2: a linear model of steering effects, e ≈ s·M + b with M [d, m] and b [m], fitted by ridge
/// least squares on a training split, with the mean-squared error on a held-out split reported against the
/// "predict the mean effect" baseline (R² = 1 − MSE/baseline).</summary>
public sealed class EffectModel : IDisposable
{
    /// <summary>[d, m]</summary>
    public Tensor M { get; }
    /// <summary>[m]</summary>
    public Tensor B { get; }
    public double TrainMse { get; }
    public double ValidationMse { get; }
    public double ValidationBaselineMse { get; }
    public double ValidationR2 => ValidationBaselineMse > 0 ? 1 - ValidationMse / ValidationBaselineMse : double.NaN;
    public int TrainCount { get; }
    public int ValidationCount { get; }

    EffectModel(Tensor m, Tensor b, double train, double validation, double baseline, int trainCount, int validationCount)
    {
        M = m; B = b; TrainMse = train; ValidationMse = validation; ValidationBaselineMse = baseline;
        TrainCount = trainCount; ValidationCount = validationCount;
    }

    public static EffectModel Fit(EffectDataset data, double validationFraction = 0.2, double ridge = 1e-3, long seed = 0)
    {
        using var scope = NewDisposeScope();
        long n = data.Vectors.shape[0];
        int validation = (int)Math.Round(n * validationFraction);
        if (n - validation < 2) throw new ArgumentException($"{n} effect samples are too few to fit and validate");
        var order = randperm(n, generator: new TorchSharp.torch.Generator(unchecked((ulong)seed)));
        var trainIdx = order.narrow(0, validation, n - validation);
        var validIdx = order.narrow(0, 0, validation);
        var x = data.Vectors.to(ScalarType.Float64);
        var y = data.Effects.to(ScalarType.Float64);
        var xTrain = x.index_select(0, trainIdx);
        var yTrain = y.index_select(0, trainIdx);
        // Augment with a constant column for b; ridge on M only.
        var design = cat([xTrain, ones(xTrain.shape[0], 1, dtype: ScalarType.Float64)], 1);
        long d = x.shape[1];
        using var ridgeScalar = ridge.ToScalar();
        var penalty = eye(d + 1, dtype: ScalarType.Float64).mul(ridgeScalar);
        penalty[d, d] = tensor(0.0, ScalarType.Float64);
        var solution = linalg.solve(design.T.matmul(design).add(penalty, TorchScalars.One), design.T.matmul(yTrain)); // [d+1, m]
        var m = solution.narrow(0, 0, d);
        var b = solution[d];
        double Mse(Tensor xs, Tensor ys) => xs.shape[0] == 0 ? double.NaN : (xs.matmul(m).add(b, TorchScalars.One) - ys).pow(TorchScalars.Two).mean().item<double>();
        double train = Mse(xTrain, yTrain);
        var xValid = x.index_select(0, validIdx);
        var yValid = y.index_select(0, validIdx);
        double valid = Mse(xValid, yValid);
        double baseline = validation == 0 ? double.NaN : (yValid - yTrain.mean([0])).pow(TorchScalars.Two).mean().item<double>();
        return new EffectModel(scope.MoveToOuter(m.to(ScalarType.Float32)), scope.MoveToOuter(b.to(ScalarType.Float32)), train, valid, baseline, (int)(n - validation), validation);
    }

    /// <summary>Predicted effect [m] of steering with s [d].</summary>
    public Tensor Predict(Tensor s) => s.to(ScalarType.Float32).matmul(M).add(B, TorchScalars.One);

    public void Dispose() { M.Dispose(); B.Dispose(); }
}
