using static TorchSharp.torch;

namespace SteerLab.Engine.Hooks;

/// <summary>Caches the activations at one hook point for the tokens in a scope, per batch row, as float32 on
/// the CPU. Attach it to a <see cref="HookSet"/>, run forwards or a generation, then read <see cref="Row"/>.</summary>
public sealed class ActivationRecorder : IDisposable
{
    readonly List<Tensor>[] rows;
    readonly PositionScope scope;
    readonly List<long>[] positions;

    public HookPoint Point { get; }

    public ActivationRecorder(HookSet hooks, HookPoint point, int batchSize, PositionScope scope = PositionScope.All)
    {
        Point = point;
        this.scope = scope;
        rows = Enumerable.Range(0, batchSize).Select(_ => new List<Tensor>()).ToArray();
        positions = Enumerable.Range(0, batchSize).Select(_ => new List<long>()).ToArray();
        hooks.Read(point, Record);
    }

    void Record(Tensor activation, HookContext context)
    {
        if (activation.shape[0] != rows.Length)
            throw new InvalidOperationException($"recorder for {Point} expects batch {rows.Length}, got {activation.shape[0]}");
        if (context.Tokens.NoneIn(scope)) return;
        using var selected = context.Tokens.Select(scope);
        bool[] mask = selected.cpu().data<bool>().ToArray();
        long[] pos = context.Tokens.Positions.cpu().data<long>().ToArray();
        long seq = activation.shape[1];
        for (int b = 0; b < rows.Length; b++)
        {
            var columns = Enumerable.Range(0, (int)seq).Where(t => mask[b * seq + t]).Select(t => (long)t).ToArray();
            if (columns.Length == 0) continue;
            using var index = tensor(columns, device: activation.device);
            rows[b].Add(activation[b].index_select(0, index).to(ScalarType.Float32).cpu().detach().DetachFromDisposeScope());
            positions[b].AddRange(columns.Select(t => pos[b * seq + t]));
        }
    }

    /// <summary>[n, d] activations of row <paramref name="b"/> in the order recorded.</summary>
    public Tensor Row(int b) => rows[b].Count == 0 ? zeros(0, 0) : cat(rows[b], 0);

    /// <summary>Token positions (within the row's real tokens) of the activations in <see cref="Row"/>.</summary>
    public IReadOnlyList<long> RowPositions(int b) => positions[b];

    public void Dispose()
    {
        foreach (var list in rows) { foreach (var t in list) t.Dispose(); list.Clear(); }
    }
}
