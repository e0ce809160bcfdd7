using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Dashboards;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Sae.Dashboards;

/// <summary>Feature dashboards over the real stories260K model with a small random SAE at blocks.2.hook_resid_post: what
/// the streaming scan keeps (top contexts, firing counts, histogram) matches the activations computed directly, text by
/// text, and the promoted/suppressed tokens are W_dec[f] · W_U computed by hand.</summary>
public sealed class FeatureDashboardScanTests
{
    static readonly HookPoint Hook = HookPoint.Parse("blocks.2.hook_resid_post");

    static readonly string[] Corpus =
    [
        "Once upon a time, there was a little girl named Lily.",
        "The cat sat on the mat and looked at the big red ball.",
        "Tom and his mom went to the park. They saw a dog.",
        "One day, a bird flew over the tree and sang a happy song.",
        "She was very sad because her toy was broken.",
    ];

    [SkippableTheory]
    [InlineData(SaeActivation.Relu, 0)]
    [InlineData(SaeActivation.TopK, 16)]
    public void Scan_KeepsTheCorpusMaximum_CountsEveryFiringToken_AndHistogramSumsToFiringCount(SaeActivation activation, int k)
    {
        using var model = Stories260K.Load();
        var tokenizer = TokenizerLoader.Load(Stories260K.Directory)!;
        using var sae = TinySae.Random(model.Config.DModel, 128, activation, seed: 7, k: k);
        int[] features = [0, 5, 17, 42, 99];
        var options = new FeatureDashboardOptions { TopContexts = 4, HistogramBins = 10, ContextBefore = 3, ContextAfter = 2 };
        var scan = new FeatureDashboardScan(model, sae, Hook, features, options);
        var texts = Corpus.Select(t => tokenizer.Encode(t, addBos: true)).ToList();
        foreach (var ids in texts) scan.Add(ids, tokenizer.BosId);

        // Direct: every text's codes at every token but BOS.
        var direct = texts.Select(ids => DirectCodes(model, sae, ids)).ToList(); // per text [n, d_sae] as float[n][]
        Assert.Equal(texts.Sum(ids => ids.Count - 1), scan.TokenCount);
        Assert.Equal(Corpus.Length, scan.TextCount);
        for (int j = 0; j < features.Length; j++)
        {
            int f = features[j];
            var summary = scan.Summaries[j];
            var all = direct.SelectMany((codes, text) => codes.Select((row, t) => (text, t, value: row[f])).Where(e => e.t > 0)).ToList();
            var firing = all.Where(e => e.value > 0).ToList();
            Assert.Equal(f, summary.Feature);
            Assert.Equal(firing.Count, summary.FiringCount);
            Assert.Equal(summary.FiringCount, summary.Histogram.Counts.Sum());
            if (firing.Count == 0) { Assert.Empty(summary.TopContexts.Descending()); continue; }

            var best = firing.OrderByDescending(e => e.value).ThenBy(e => e.text).ThenBy(e => e.t).First();
            var contexts = summary.TopContexts.Descending();
            Assert.Equal(Math.Min(options.TopContexts, firing.Count), contexts.Count);
            Assert.Equal(best.value, contexts[0].Activation, 4);
            Assert.Equal(best.value, summary.MaxActivation, 4);
            Assert.Equal((best.text, best.t), (contexts[0].TextIndex, contexts[0].Position));
            Assert.True(contexts.Zip(contexts.Skip(1)).All(p => p.First.Activation >= p.Second.Activation), "contexts are highest first");
            // The k-th kept context is the k-th largest activation of the corpus.
            var expectedTop = firing.Select(e => e.value).OrderDescending().Take(options.TopContexts).ToArray();
            Assert.Equal(expectedTop, contexts.Select(c => c.Activation).ToArray(), new FloatTolerance(1e-4f));
            foreach (var c in contexts)
            {
                var ids = texts[c.TextIndex];
                Assert.Equal(ids[c.Position], c.WindowIds[c.MarkedOffset]);
                Assert.Equal(Math.Min(options.ContextBefore, c.Position), c.MarkedOffset);
                Assert.True(c.WindowIds.Length <= options.ContextBefore + 1 + options.ContextAfter);
            }
            // Every firing value is in the bin the final width puts it in.
            double width = summary.Histogram.BinWidth;
            var expectedBins = new long[options.HistogramBins];
            foreach (var e in firing) expectedBins[Math.Min((int)(e.value / width), options.HistogramBins - 1)]++;
            Assert.Equal(expectedBins, summary.Histogram.Counts.ToArray());
            Assert.True(summary.MaxActivation >= width * options.HistogramBins / 2, "the largest value lies in the upper half of the range");
        }
    }

    [SkippableFact]
    public void PromotedAndSuppressedTokens_AreDecoderRowsThroughTheUnembedding()
    {
        using var model = Stories260K.Load();
        using var sae = TinySae.Random(model.Config.DModel, 128, SaeActivation.Relu, seed: 3);
        int[] features = [1, 64, 127];
        var unembedding = model.Unembedding; // stories260K is a Llama with a tied head
        var results = DecoderDirectionLogits.Compute(sae, features, unembedding, top: 5);

        float[] wDec = sae.WDec.contiguous().data<float>().ToArray(); // [d_sae, d]
        float[] wU = unembedding.to(ScalarType.Float32).contiguous().data<float>().ToArray(); // [vocab, d]
        int d = sae.DIn, vocab = (int)unembedding.shape[0];
        for (int j = 0; j < features.Length; j++)
        {
            var logits = new double[vocab];
            for (int v = 0; v < vocab; v++)
                for (int i = 0; i < d; i++) logits[v] += (double)wDec[features[j] * d + i] * wU[v * d + i];
            var order = Enumerable.Range(0, vocab).OrderByDescending(v => logits[v]).ToArray();
            var (promoted, suppressed) = results[j];
            Assert.Equal(order.Take(5), promoted.Select(t => t.TokenId));
            Assert.Equal(order.Reverse().Take(5), suppressed.Select(t => t.TokenId));
            foreach (var t in promoted.Concat(suppressed)) Assert.Equal(logits[t.TokenId], t.Logit, 4);
        }
    }

    [SkippableFact]
    public void Scan_RefusesFeaturesOutsideTheSae()
    {
        using var model = Stories260K.Load();
        using var sae = TinySae.Random(model.Config.DModel, 16, SaeActivation.Relu, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new FeatureDashboardScan(model, sae, Hook, [3, 16], new FeatureDashboardOptions()));
        Assert.Contains("feature 16", e.Message);
    }

    static float[][] DirectCodes(TransformerModel model, SparseAutoencoder sae, IReadOnlyList<int> ids)
    {
        var hooks = new HookSet();
        using var recorder = new ActivationRecorder(hooks, Hook, batchSize: 1);
        using var input = tensor(ids.Select(i => (long)i).ToArray()).reshape(1, ids.Count);
        model.Forward(new ForwardInput { InputIds = input, Hooks = hooks }).Dispose();
        using var row = recorder.Row(0);
        using var codes = sae.Encode(row);
        float[] flat = codes.contiguous().data<float>().ToArray();
        return Enumerable.Range(0, ids.Count).Select(t => flat[(t * sae.DSae)..((t + 1) * sae.DSae)]).ToArray();
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
