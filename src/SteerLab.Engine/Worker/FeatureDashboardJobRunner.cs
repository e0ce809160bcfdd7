using System.Text.Json;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Dashboards;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of a "feature-dashboard" job: tokenizes the texts that came with the job, runs a
/// <see cref="FeatureDashboardScan"/> over them on the (leased) model, adds each feature's promoted and suppressed tokens
/// and answers everything with token ids decoded to text.</summary>
static class FeatureDashboardJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, LoadedModels models, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<FeatureDashboardJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the feature-dashboard job has no parameters");
        if (parameters.Features is not { Length: > 0 }) throw new ArgumentException("name at least one feature");
        if (parameters.Texts is not { Length: > 0 }) throw new ArgumentException("the corpus has no texts");
        string modelName = request.Model ?? parameters.Model;
        string modelDir = roots.Resolve(modelName);
        string saePath = roots.ResolveSae(parameters.Sae);

        progress(new EngineJobProgress(request.JobId, 0, $"loading {modelName}"));
        using var lease = models.Acquire(modelDir, cancellation);
        var model = lease.Model;
        var tokenizer = lease.Tokenizer ?? throw new ArgumentException($"model '{modelName}' has no tokenizer; dashboards need one to read the corpus and show tokens");
        using var sae = SaeLoader.Load(saePath, model.Config.DModel, model.Config.LayerCount);
        var hook = Hook(parameters.Hook, sae);
        var options = new FeatureDashboardOptions
        {
            TopContexts = parameters.TopContexts,
            HistogramBins = parameters.HistogramBins,
            ContextBefore = parameters.ContextBefore,
            ContextAfter = parameters.ContextAfter,
            MaxTokensPerText = parameters.MaxTokensPerText,
        };
        var scan = new FeatureDashboardScan(model, sae, hook, parameters.Features, options);
        int total = parameters.Texts.Length;
        var lastReport = DateTime.MinValue;
        for (int i = 0; i < total; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            scan.Add(tokenizer.Encode(parameters.Texts[i], addBos: true), tokenizer.BosId);
            // A few reports a second are plenty; every text would flood the job's progress with small steps.
            if (DateTime.UtcNow - lastReport > TimeSpan.FromMilliseconds(250) || i == total - 1)
            {
                lastReport = DateTime.UtcNow;
                progress(new EngineJobProgress(request.JobId, 0.95 * (i + 1) / total, $"text {i + 1}/{total}"));
            }
        }

        var logits = parameters.TopLogits > 0 ? DecoderDirectionLogits.Compute(sae, parameters.Features, model.Unembedding, parameters.TopLogits) : null;

        var features = scan.Summaries.Select((summary, f) => new FeatureDashboardView(
            summary.Feature,
            summary.FiringCount,
            scan.TokenCount == 0 ? 0 : summary.FiringCount / (double)scan.TokenCount,
            summary.MaxActivation,
            summary.MeanFiringActivation,
            new ActivationHistogram(summary.Histogram.BinWidth, summary.Histogram.Counts.ToArray()),
            summary.TopContexts.Descending().Select(c => Context(c, tokenizer)).ToList(),
            logits is null ? [] : logits[f].Promoted.Select(t => TokenLogit(t, tokenizer)).ToList(),
            logits is null ? [] : logits[f].Suppressed.Select(t => TokenLogit(t, tokenizer)).ToList())).ToList();
        progress(new EngineJobProgress(request.JobId, 1, $"{features.Count} features over {scan.TokenCount} tokens"));
        return JsonSerializer.Serialize(new FeatureDashboardJobResult(parameters.CorpusName, scan.TextCount, scan.TokenCount, scan.TruncatedTexts, features),
            EngineJobJson.Options);
    }

    static HookPoint Hook(string? name, SparseAutoencoder sae)
    {
        if (string.IsNullOrWhiteSpace(name))
            return sae.Config.Hook ?? throw new ArgumentException("the SAE does not say which hook it reads; name the hook");
        if (!HookPoint.TryParse(name, out var hook)) throw new ArgumentException($"'{name}' is not a hook point (e.g. blocks.1.hook_resid_post)");
        if (sae.Config.Hook is { } saeHook && saeHook != hook)
            throw new ArgumentException($"the SAE reads {saeHook.Name}, not {hook.Name}");
        return hook;
    }

    /// <summary>The window's pieces as text: decoded in sequence (after the token before the window), so leading spaces
    /// and characters split over byte tokens come out as in the text.</summary>
    static ActivatingContextView Context(ActivatingContext context, ITextTokenizer tokenizer)
    {
        var decoder = new TokenStreamDecoder(tokenizer, context.PrecedingId is { } preceding ? [preceding] : null);
        var pieces = new string[context.WindowIds.Length];
        for (int i = 0; i < pieces.Length; i++) pieces[i] = decoder.Push(context.WindowIds[i]);
        if (pieces.Length > 0) pieces[^1] += decoder.Flush();
        return new ActivatingContextView(context.TextIndex, context.Activation, pieces, context.MarkedOffset);
    }

    static TokenLogitView TokenLogit(DecoderDirectionLogits.TokenLogit logit, ITextTokenizer tokenizer) =>
        new(logit.TokenId, tokenizer.Decode([logit.TokenId]), logit.Logit);
}
