namespace SteerLab.Engine.Evaluation.SideEffects;

/// <summary>Wilson's 95% score interval for a proportion of 0/1 outcomes (k successes of n): unlike the normal
/// approximation it stays inside [0, 1] and is sensible at 0 or n successes and for small n.</summary>
public static class WilsonInterval
{
    const double Z = 1.959963984540054;

    public static (double Low, double High) Of(int successes, int trials)
    {
        if (trials < 1) throw new ArgumentException("a proportion needs at least one trial");
        if (successes < 0 || successes > trials) throw new ArgumentException($"{successes} successes of {trials} trials");
        double n = trials, p = successes / n, z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
