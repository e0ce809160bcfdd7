using System.Collections.Concurrent;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Engine.Workers;

/// <summary>The remote workers connected to this server's engine hub, what each has registered, and how many jobs each
/// is running (this instance's view; each server instance schedules onto the workers connected to it).</summary>
public sealed class ConnectedWorkers
{
    readonly ConcurrentDictionary<string, ConnectedWorker> byConnection = new();
    readonly object gate = new();

    /// <summary>Adds (or, on re-registration, replaces) the worker behind a connection.</summary>
    public ConnectedWorker Register(string connectionId, WorkerRegistration registration)
    {
        string workerId = $"{registration.Name}#{connectionId[..Math.Min(8, connectionId.Length)]}";
        var worker = new ConnectedWorker(connectionId, workerId, registration.Name, registration.Models.ToHashSet(StringComparer.Ordinal), registration.Capacity);
        lock (gate)
        {
            if (byConnection.TryGetValue(connectionId, out var previous)) worker.Busy = previous.Busy;
            byConnection[connectionId] = worker;
        }
        return worker;
    }

    public ConnectedWorker? Remove(string connectionId) => byConnection.TryRemove(connectionId, out var worker) ? worker : null;

    public bool IsConnected(string connectionId) => byConnection.ContainsKey(connectionId);

    public IReadOnlyList<ConnectedWorker> Snapshot() => byConnection.Values.OrderBy(w => w.WorkerId, StringComparer.Ordinal).ToList();

    /// <summary>The least busy connected worker that registered <paramref name="model"/> and has a free slot, with the
    /// slot taken; null when there is none.</summary>
    public ConnectedWorker? TryReserve(string model)
    {
        lock (gate)
        {
            var worker = byConnection.Values.Where(w => w.Models.Contains(model) && w.Busy < w.Capacity)
                .OrderBy(w => w.Busy).ThenBy(w => w.WorkerId, StringComparer.Ordinal).FirstOrDefault();
            if (worker is not null) worker.Busy++;
            return worker;
        }
    }

    public void Release(ConnectedWorker worker)
    {
        lock (gate)
        {
            worker.Busy = Math.Max(0, worker.Busy - 1);
            // A re-registration replaced the record: free the slot there too.
            if (byConnection.TryGetValue(worker.ConnectionId, out var current) && !ReferenceEquals(current, worker))
                current.Busy = Math.Max(0, current.Busy - 1);
        }
    }
}

/// <summary>One connected worker.</summary>
public sealed class ConnectedWorker(string connectionId, string workerId, string name, IReadOnlySet<string> models, int capacity)
{
    public string ConnectionId { get; } = connectionId;
    /// <summary>Name plus the start of the connection id: unique, and readable in job records.</summary>
    public string WorkerId { get; } = workerId;
    public string Name { get; } = name;
    public IReadOnlySet<string> Models { get; } = models;
    public int Capacity { get; } = capacity;
    /// <summary>Jobs running on it; guarded by <see cref="ConnectedWorkers"/>.</summary>
    public int Busy { get; internal set; }
}
