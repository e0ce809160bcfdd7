using SteerLab.Engine.Generation;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace SteerLab.Engine.Models;

/// <summary>A decoder-only language model: token ids in, float32 logits out, with hook points at every block
/// and an optional KV cache. Each architecture implements <see cref="Forward(Tensor, ForwardState, KvCache?)"/>
/// in one file that reads like its equations.</summary>
public abstract class TransformerModel : IDisposable
{
    readonly IDisposable? weightSource;

    public ModelConfig Config { get; }
    /// <summary>Type of the large weight matrices (float32 or bfloat16).</summary>
    public ScalarType WeightType { get; }
    public Device Device { get; }

    protected TransformerModel(ModelConfig config, ScalarType weightType, Device device, IDisposable? weightSource)
    {
        if (weightType is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"weights are kept in float32 or bfloat16, not {weightType}");
        Config = config;
        WeightType = weightType;
        Device = device;
        this.weightSource = weightSource;
    }

    /// <summary>Gemma-2 layers that use a sliding window; none elsewhere.</summary>
    protected virtual int? SlidingWindow => null;

    /// <summary>Runs the model on a chunk; returns float32 logits [batch, seq (or 1), vocab]. With a cache,
    /// attends to the cached columns and appends this chunk to it.</summary>
    public Tensor Forward(ForwardInput input)
    {
        if (input.InputIds.dim() != 2) throw new ArgumentException("input ids must be [batch, seq]");
        long seq = input.InputIds.shape[1];
        long end = (input.Cache?.Length ?? 0) + seq;
        if (end > Config.MaxPositions && Config.Architecture == Architecture.Gpt2)
            throw new ArgumentException($"{end} positions exceed this model's {Config.MaxPositions} learned positions");
        using var scope = NewDisposeScope();
        var state = ForwardState.Create(input, Device, SlidingWindow);
        var ids = input.InputIds.to(ScalarType.Int64, Device);
        var hidden = Forward(ids, state, input.Cache); // [batch, seq, d] after the final norm
        input.Cache?.Advance(seq);
        // A fresh tensor, not a strided view: a bf16 linear against a large unembedding is ~100× slower on the view.
        if (input.LastLogitsOnly) hidden = empty([hidden.shape[0], 1, hidden.shape[2]], hidden.dtype, hidden.device).copy_(hidden.narrow(1, seq - 1, 1));
        return scope.MoveToOuter(Logits(hidden).to(ScalarType.Float32));
    }

    /// <summary>Runs the blocks; returns the final-normed hidden states [batch, seq, d].</summary>
    private protected abstract Tensor Forward(Tensor ids, ForwardState state, KvCache? cache);

    /// <summary>Unembeds final hidden states [batch, seq, d] to logits.</summary>
    protected abstract Tensor Logits(Tensor hidden);

    /// <summary>W_U as the model holds it, [vocab, d_model] (for a tied head the embedding table): what a direction in
    /// the residual stream does to the logits directly. Owned by the model; do not dispose.</summary>
    public abstract Tensor Unembedding { get; }

    /// <summary>Every weight tensor once (a tied head is the embedding table, listed once).</summary>
    protected abstract IEnumerable<Tensor> WeightTensors { get; }

    /// <summary>Bytes of all weight tensors as held in memory.</summary>
    public long WeightBytes => Bytes(WeightTensors);

    public KvCache NewCache(int initialCapacity = 256) => new(Config.LayerCount, initialCapacity);

    protected static Tensor Embed(Tensor table, Tensor ids) =>
        table.index_select(0, ids.flatten()).view(ids.shape[0], ids.shape[1], table.shape[1]);

    protected static long Bytes(IEnumerable<Tensor> tensors) => tensors.Sum(t => t.NumberOfElements * t.ElementSize);

    /// <summary>Grouped-query self-attention with rotary positions (Llama, Gemma-2): project, rotate q and k, append to
    /// the cache, attend in float32, project out.</summary>
    private protected Tensor RotaryAttention(int layer, Tensor h, Tensor wq, Tensor wk, Tensor wv, Tensor wo, ForwardState s,
        Tensor cos, Tensor sin, KvCache? cache, Tensor? mask, double scale, double? softcap)
    {
        long b = s.Batch, t = s.Seq, hd = Config.HeadDim;
        var q = linear(h, wq).view(b, t, Config.HeadCount, hd).transpose(1, 2).to(ScalarType.Float32);
        var k = linear(h, wk).view(b, t, Config.KvHeadCount, hd).transpose(1, 2).to(ScalarType.Float32);
        var v = linear(h, wv).view(b, t, Config.KvHeadCount, hd).transpose(1, 2).to(ScalarType.Float32);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache is not null) (k, v) = cache.Append(layer, k, v);
        var attended = AttentionMath.Attend(q, k, v, mask, scale, softcap);
        return linear(attended.to(WeightType), wo);
    }

    public void Dispose()
    {
        foreach (var tensor in WeightTensors) tensor.Dispose();
        DisposeExtras();
        weightSource?.Dispose(); // after the weights: zero-copy weights view its memory
        GC.SuppressFinalize(this);
    }

    /// <summary>Anything an architecture owns besides its weights (rotary tables).</summary>
    protected virtual void DisposeExtras() { }
}
