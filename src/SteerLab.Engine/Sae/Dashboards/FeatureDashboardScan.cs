using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Dashboards;

/// <summary>Streams texts through a model, encodes the activations at the SAE's hook and feeds the chosen features'
/// activations to one <see cref="FeatureActivationSummary"/> each. One text per forward and nothing kept between texts but
/// the summaries, so memory does not grow with the corpus. The BOS token is not counted: it is not text, and its
/// residual stream is an outlier many features respond to.</summary>
public sealed class FeatureDashboardScan
{
    readonly TransformerModel model;
    readonly SparseAutoencoder sae;
    readonly HookPoint hook;
    readonly FeatureDashboardOptions options;
    readonly long[] featureIndices;
    readonly FeatureActivationSummary[] summaries;

    public FeatureDashboardScan(TransformerModel model, SparseAutoencoder sae, HookPoint hook, IReadOnlyList<int> features, FeatureDashboardOptions options)
    {
        if (features.Count == 0) throw new ArgumentException("name at least one feature");
        foreach (int feature in features)
            if (feature < 0 || feature >= sae.DSae) throw new ArgumentException($"feature {feature} is not in this SAE (it has features 0 to {sae.DSae - 1})");
        if (sae.DIn != model.Config.DModel) throw new ArgumentException($"the SAE reads {sae.DIn}-dimensional activations, the model's d_model is {model.Config.DModel}");
        if (hook.Layer < 0 || hook.Layer >= model.Config.LayerCount) throw new ArgumentException($"hook {hook.Name} is not in this {model.Config.LayerCount}-layer model");
        if (options.MaxTokensPerText < 2) throw new ArgumentException("scan at least 2 tokens per text");
        this.model = model;
        this.sae = sae;
        this.hook = hook;
        this.options = options;
        featureIndices = features.Select(f => (long)f).ToArray();
        summaries = features.Select(f => new FeatureActivationSummary(f, options.HistogramBins, options.TopContexts)).ToArray();
    }

    /// <summary>In the order the features were given.</summary>
    public IReadOnlyList<FeatureActivationSummary> Summaries => summaries;

    public int TextCount { get; private set; }

    /// <summary>Tokens whose activations were counted (BOS excluded).</summary>
    public long TokenCount { get; private set; }

    /// <summary>Texts cut at <see cref="FeatureDashboardOptions.MaxTokensPerText"/>.</summary>
    public int TruncatedTexts { get; private set; }

    /// <summary>Scans one tokenized text. <paramref name="bosId"/>: a first token equal to it is not counted.</summary>
    public void Add(IReadOnlyList<int> ids, int? bosId)
    {
        int textIndex = TextCount++;
        if (ids.Count > options.MaxTokensPerText)
        {
            ids = ids.Take(options.MaxTokensPerText).ToArray();
            TruncatedTexts++;
        }
        int first = ids.Count > 0 && bosId is { } bos && ids[0] == bos ? 1 : 0;
        if (ids.Count - first <= 0) return;
        float[] codes = FeatureCodes(ids); // [n, features] row-major
        int f = summaries.Length;
        for (int t = first; t < ids.Count; t++)
            for (int j = 0; j < f; j++)
                summaries[j].Add(codes[t * f + j], textIndex, t, ids, options.ContextBefore, options.ContextAfter);
        TokenCount += ids.Count - first;
    }

    /// <summary>The chosen features' activations at every token: [n, features] as a flat array.</summary>
    float[] FeatureCodes(IReadOnlyList<int> ids)
    {
        using var scope = NewDisposeScope();
        Tensor? residual = null;
        var hooks = new HookSet().Read(hook, (x, _) => residual = x[0].to(ScalarType.Float32).cpu().detach().DetachFromDisposeScope()); // [n, d]
        using var input = tensor(ids.Select(i => (long)i).ToArray(), dtype: ScalarType.Int64).reshape(1, ids.Count);
        using (no_grad()) model.Forward(new ForwardInput { InputIds = input, Hooks = hooks, LastLogitsOnly = true }).Dispose();
        if (residual is null) throw new InvalidOperationException($"the model never reached hook {hook.Name}");
        using var captured = residual;
        using var featureIndex = tensor(featureIndices, device: sae.WEnc.device);
        var codes = sae.Encode(captured.to(sae.WEnc.device)).index_select(1, featureIndex); // [n, features]
        return codes.cpu().contiguous().data<float>().ToArray();
    }
}
