using System.Collections.Concurrent;

namespace SteerLab.Server.Judges;

/// <summary>One concurrency gate per judge setting, shared by every run (and test call) that uses the setting on this
/// server instance: a team's MaxConcurrency bounds what the endpoint sees from us, not what each run may send. When
/// the setting's MaxConcurrency changes, later judges get a new gate of the new size; calls already holding the old one
/// finish on it.</summary>
public sealed class JudgeConcurrencyLimits
{
    sealed record Gate(int Size, SemaphoreSlim Slots);

    readonly ConcurrentDictionary<Guid, Gate> gates = new();

    public SemaphoreSlim For(Guid judgeSettingId, int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return gates.AddOrUpdate(judgeSettingId,
            _ => new Gate(maxConcurrency, new SemaphoreSlim(maxConcurrency, maxConcurrency)),
            (_, gate) => gate.Size == maxConcurrency ? gate : new Gate(maxConcurrency, new SemaphoreSlim(maxConcurrency, maxConcurrency))).Slots;
    }
}
