using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using static TorchSharp.torch;

namespace SteerLab.Engine.Worker;

/// <summary>Models kept in memory between jobs, so consecutive jobs on the same model do not reload its weights.
/// A job leases a model for its duration; a model nobody leases is unloaded once more than
/// <paramref name="keepIdle"/> idle models are held (the least recently used first).</summary>
public sealed class LoadedModels(ScalarType weightType = ScalarType.Float32, int keepIdle = 1) : IDisposable
{
    sealed class Entry(TransformerModel model, ITextTokenizer? tokenizer)
    {
        public TransformerModel Model { get; } = model;
        public ITextTokenizer? Tokenizer { get; } = tokenizer;
        public int Leases;
        public long LastUsed;
    }

    readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    readonly object gate = new();
    readonly SemaphoreSlim loading = new(1, 1); // one load at a time: two jobs wanting the same model load it once
    long clock;
    bool disposed;

    public ScalarType WeightType => weightType;

    /// <summary>The model in <paramref name="modelDir"/> (a folder holding config.json) with its tokenizer, loaded now
    /// unless already held. Dispose the lease when the job is done with it.</summary>
    public ModelLease Acquire(string modelDir, CancellationToken cancellation = default)
    {
        if (TryLease(modelDir) is { } held) return held;
        loading.Wait(cancellation);
        try
        {
            if (TryLease(modelDir) is { } loadedMeanwhile) return loadedMeanwhile;
            var model = ModelLoader.Load(modelDir, weightType);
            ITextTokenizer? tokenizer;
            try { tokenizer = TokenizerLoader.Load(modelDir); }
            catch { model.Dispose(); throw; }
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                var entry = new Entry(model, tokenizer) { Leases = 1, LastUsed = ++clock };
                entries[modelDir] = entry;
                return new ModelLease(this, modelDir, entry.Model, entry.Tokenizer);
            }
        }
        finally { loading.Release(); }
    }

    ModelLease? TryLease(string modelDir)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!entries.TryGetValue(modelDir, out var entry)) return null;
            entry.Leases++;
            entry.LastUsed = ++clock;
            return new ModelLease(this, modelDir, entry.Model, entry.Tokenizer);
        }
    }

    internal void Release(string modelDir)
    {
        List<TransformerModel> unload = [];
        lock (gate)
        {
            if (!entries.TryGetValue(modelDir, out var entry)) return;
            entry.Leases--;
            var idle = entries.Where(e => e.Value.Leases == 0).OrderBy(e => e.Value.LastUsed).ToList();
            foreach (var (dir, old) in idle.Take(Math.Max(0, idle.Count - keepIdle)))
            {
                entries.Remove(dir);
                unload.Add(old.Model);
            }
        }
        foreach (var model in unload) model.Dispose();
    }

    public void Dispose()
    {
        List<TransformerModel> unload;
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            unload = entries.Values.Select(e => e.Model).ToList();
            entries.Clear();
        }
        foreach (var model in unload) model.Dispose();
    }
}

/// <summary>A model held for one job.</summary>
public sealed class ModelLease(LoadedModels owner, string modelDir, TransformerModel model, ITextTokenizer? tokenizer) : IDisposable
{
    int released;

    public TransformerModel Model { get; } = model;
    public ITextTokenizer? Tokenizer { get; } = tokenizer;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) owner.Release(modelDir);
    }
}
