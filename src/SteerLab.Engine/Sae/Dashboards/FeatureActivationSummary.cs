namespace SteerLab.Engine.Sae.Dashboards;

/// <summary>Everything a dashboard says about one feature's activations over a corpus, accumulated token by token in
/// bounded memory: counts, the maximum and sum, a <see cref="StreamingHistogram"/> of the firing activations and the
/// <see cref="TopActivatingContexts"/>.</summary>
public sealed class FeatureActivationSummary
{
    public FeatureActivationSummary(int feature, int histogramBins, int topContexts)
    {
        Feature = feature;
        Histogram = new StreamingHistogram(histogramBins);
        TopContexts = new TopActivatingContexts(topContexts);
    }

    public int Feature { get; }

    /// <summary>Tokens where the activation was above zero.</summary>
    public long FiringCount { get; private set; }

    public float MaxActivation { get; private set; }

    /// <summary>Sum of the firing activations (for their mean).</summary>
    public double FiringSum { get; private set; }

    public double MeanFiringActivation => FiringCount == 0 ? 0 : FiringSum / FiringCount;

    public StreamingHistogram Histogram { get; }

    public TopActivatingContexts TopContexts { get; }

    /// <summary>Records the activation of token <paramref name="position"/> of text <paramref name="textIndex"/>
    /// (<paramref name="ids"/> are that text's ids). Zero activations only count as "not firing".</summary>
    public void Add(float activation, int textIndex, int position, IReadOnlyList<int> ids, int before, int after)
    {
        if (!(activation > 0)) return; // SAE activations are ≥ 0; NaN never fires
        FiringCount++;
        FiringSum += activation;
        if (activation > MaxActivation) MaxActivation = activation;
        Histogram.Add(activation);
        if (!TopContexts.WouldKeep(activation, textIndex, position)) return;
        int start = Math.Max(0, position - before), end = Math.Min(ids.Count, position + after + 1);
        var window = new int[end - start];
        for (int i = start; i < end; i++) window[i - start] = ids[i];
        TopContexts.Offer(new ActivatingContext(textIndex, position, activation, window, position - start, start > 0 ? ids[start - 1] : null));
    }
}
