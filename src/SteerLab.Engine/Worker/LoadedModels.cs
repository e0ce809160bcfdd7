using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using static TorchSharp.torch;

namespace SteerLab.Engine.Worker;

/// <summary>Models kept in memory between jobs, so consecutive jobs on the same model do not reload its weights.
/// A job leases a model for its duration; a model nobody leases is unloaded once more than
/// <paramref name="keepIdle"/> idle models are held (the least recently used first).</summary>
public sealed class LoadedModels(ScalarType weightType = ScalarType.Float32, int keepIdle = 1) : IDisposable
{
    sealed class Entry(TransformerModel model, ITextTokenizer? tokenizer, ChatTemplate chatTemplate)
    {
        public TransformerModel Model { get; } = model;
        public ITextTokenizer? Tokenizer { get; } = tokenizer;
        public ChatTemplate ChatTemplate { get; } = chatTemplate;
        public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;
        public int Leases;
        public long LastUsed;
        public DateTimeOffset LastUsedAt = DateTimeOffset.UtcNow;
    }

    readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    readonly object gate = new();
    readonly SemaphoreSlim loading = new(1, 1); // one load at a time: two jobs wanting the same model load it once
    long clock;
    bool disposed;
    volatile string? loadingNow;

    public ScalarType WeightType => weightType;

    /// <summary>How many models nobody leases are kept; loading one more unloads the least recently used.</summary>
    public int KeepIdle => keepIdle;

    /// <summary>The folder of the model being loaded right now (for a job or <see cref="Load"/>), or null.</summary>
    public string? LoadingNow => loadingNow;

    /// <summary>The model in <paramref name="modelDir"/> (a folder holding config.json) with its tokenizer, loaded now
    /// unless already held. Dispose the lease when the job is done with it.</summary>
    public ModelLease Acquire(string modelDir, CancellationToken cancellation = default)
    {
        if (TryLease(modelDir) is { } held) return held;
        loading.Wait(cancellation);
        try
        {
            if (TryLease(modelDir) is { } loadedMeanwhile) return loadedMeanwhile;
            loadingNow = modelDir;
            TransformerModel model;
            ITextTokenizer? tokenizer;
            ChatTemplate chatTemplate;
            try
            {
                model = ModelLoader.Load(modelDir, weightType);
                try
                {
                    tokenizer = TokenizerLoader.Load(modelDir);
                    // Read once per load, not per job: tokenizer_config.json does not change under a loaded model.
                    chatTemplate = ChatTemplate.Detect(model.Config.ModelType, TokenizerConfig.Read(modelDir).ChatTemplate);
                }
                catch { model.Dispose(); throw; }
            }
            finally { loadingNow = null; }
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                var entry = new Entry(model, tokenizer, chatTemplate) { Leases = 1, LastUsed = ++clock };
                entries[modelDir] = entry;
                return new ModelLease(this, modelDir, entry.Model, entry.Tokenizer, entry.ChatTemplate);
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
            entry.LastUsedAt = DateTimeOffset.UtcNow;
            return new ModelLease(this, modelDir, entry.Model, entry.Tokenizer, entry.ChatTemplate);
        }
    }

    internal void Release(string modelDir)
    {
        List<TransformerModel> unload = [];
        lock (gate)
        {
            if (!entries.TryGetValue(modelDir, out var entry)) return;
            entry.Leases--;
            entry.LastUsedAt = DateTimeOffset.UtcNow;
            var idle = entries.Where(e => e.Value.Leases == 0).OrderBy(e => e.Value.LastUsed).ToList();
            foreach (var (dir, old) in idle.Take(Math.Max(0, idle.Count - keepIdle)))
            {
                entries.Remove(dir);
                unload.Add(old.Model);
            }
        }
        foreach (var model in unload) model.Dispose();
    }

    /// <summary>Loads the model in <paramref name="modelDir"/> ahead of the jobs that will use it (it then counts as
    /// idle: see <see cref="KeepIdle"/>). Returns at once when it is already held.</summary>
    public void Load(string modelDir, CancellationToken cancellation = default)
    {
        using var lease = Acquire(modelDir, cancellation);
    }

    /// <summary>Frees the model held for <paramref name="modelDir"/>; false when none is held.</summary>
    /// <exception cref="ModelInUseException">A job leases the model; nothing is unloaded.</exception>
    public bool Unload(string modelDir)
    {
        TransformerModel model;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!entries.TryGetValue(modelDir, out var entry)) return false;
            if (entry.Leases > 0) throw new ModelInUseException(modelDir, entry.Leases);
            entries.Remove(modelDir);
            model = entry.Model;
        }
        model.Dispose();
        return true;
    }

    /// <summary>What is held now, most recently used first.</summary>
    public IReadOnlyList<LoadedModelInfo> Snapshot()
    {
        lock (gate)
        {
            if (disposed) return [];
            return entries.OrderByDescending(e => e.Value.LastUsed)
                .Select(e => new LoadedModelInfo(e.Key, e.Value.Model.Config.Architecture.ToString(), e.Value.Model.Config.DModel,
                    e.Value.Model.Config.LayerCount, e.Value.Model.WeightType.ToString(), e.Value.Model.Device.ToString(),
                    e.Value.Model.WeightBytes, e.Value.Leases, e.Value.LoadedAt, e.Value.LastUsedAt))
                .ToList();
        }
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
public sealed class ModelLease(LoadedModels owner, string modelDir, TransformerModel model, ITextTokenizer? tokenizer,
    ChatTemplate chatTemplate) : IDisposable
{
    int released;

    public TransformerModel Model { get; } = model;
    public ITextTokenizer? Tokenizer { get; } = tokenizer;
    /// <summary>How the model's conversations are written (from its config and tokenizer_config.json).</summary>
    public ChatTemplate ChatTemplate { get; } = chatTemplate;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) owner.Release(modelDir);
    }
}
