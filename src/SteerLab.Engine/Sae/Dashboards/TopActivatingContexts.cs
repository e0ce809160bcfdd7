namespace SteerLab.Engine.Sae.Dashboards;

/// <summary>The k highest activations seen, kept in a min-heap so each new one costs O(log k) and memory stays k
/// contexts. Ties go to the earlier token (lower text index, then position), so results do not depend on heap order.</summary>
public sealed class TopActivatingContexts(int capacity)
{
    readonly PriorityQueue<ActivatingContext, (float Activation, int NegText, int NegPosition)> heap = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "keep at least one context");

    /// <summary>Whether an activation at (text, position) would be kept; lets the caller skip copying a window that
    /// would be dropped at once.</summary>
    public bool WouldKeep(float activation, int textIndex, int position) =>
        heap.Count < Capacity || Key(activation, textIndex, position).CompareTo(MinKey()) > 0;

    public void Offer(ActivatingContext context)
    {
        var key = Key(context.Activation, context.TextIndex, context.Position);
        if (heap.Count < Capacity) heap.Enqueue(context, key);
        else if (key.CompareTo(MinKey()) > 0) heap.EnqueueDequeue(context, key);
    }

    /// <summary>Highest activation first.</summary>
    public IReadOnlyList<ActivatingContext> Descending() =>
        heap.UnorderedItems.OrderByDescending(e => e.Priority).Select(e => e.Element).ToList();

    (float, int, int) MinKey() => heap.TryPeek(out _, out var key) ? key : default;

    static (float, int, int) Key(float activation, int textIndex, int position) => (activation, -textIndex, -position);
}
