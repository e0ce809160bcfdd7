using static TorchSharp.torch;

namespace SteerLab.Engine.Hooks;

/// <summary>What a hook callback is told besides the activation itself.</summary>
public sealed record HookContext(HookPoint Point, TokenPositions Tokens, bool IsPrefill);

/// <summary>Edits an activation [batch, seq, d] and returns the edited tensor (or the input unchanged).</summary>
public delegate Tensor Intervention(Tensor activation, HookContext context);

/// <summary>Observes an activation [batch, seq, d]; must not keep the tensor beyond the call (copy what it needs).</summary>
public delegate void ActivationReader(Tensor activation, HookContext context);

/// <summary>The hooks attached to a forward pass, run in the order they were added at each hook point.
/// An intervention only changes the tokens in its position scope, and never left padding; when no token of a
/// chunk is in scope it is not called at all.</summary>
public sealed class HookSet
{
    abstract record Entry;
    sealed record InterventionEntry(Intervention Edit, PositionScope Scope) : Entry;
    sealed record ReaderEntry(ActivationReader Read) : Entry;

    readonly Dictionary<HookPoint, List<Entry>> entries = [];

    public bool IsEmpty => entries.Count == 0;

    public HookSet Intervene(HookPoint point, Intervention edit, PositionScope scope = PositionScope.All)
    {
        Add(point, new InterventionEntry(edit, scope));
        return this;
    }

    public HookSet Read(HookPoint point, ActivationReader read)
    {
        Add(point, new ReaderEntry(read));
        return this;
    }

    void Add(HookPoint point, Entry entry)
    {
        if (!entries.TryGetValue(point, out var list)) entries[point] = list = [];
        list.Add(entry);
    }

    public bool Has(HookPoint point) => entries.ContainsKey(point);

    /// <summary>Runs the hooks at <paramref name="point"/> and returns the (possibly edited) activation.</summary>
    public Tensor Run(HookPoint point, Tensor activation, TokenPositions tokens, bool isPrefill)
    {
        if (!entries.TryGetValue(point, out var list)) return activation;
        var context = new HookContext(point, tokens, isPrefill);
        foreach (var entry in list)
        {
            switch (entry)
            {
                case ReaderEntry reader:
                    reader.Read(activation, context);
                    break;
                case InterventionEntry scoped when tokens.NoneIn(scoped.Scope):
                    break;
                case InterventionEntry scoped:
                    var edited = scoped.Edit(activation, context);
                    if (!tokens.AllIn(scoped.Scope))
                    {
                        using var mask = tokens.Select(scoped.Scope).unsqueeze(-1);
                        edited = where(mask, edited, activation);
                    }
                    activation = edited;
                    break;
            }
        }
        return activation;
    }
}
