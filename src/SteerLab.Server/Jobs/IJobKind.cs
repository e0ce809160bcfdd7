using System.Text.Json;

namespace SteerLab.Server.Jobs;

/// <summary>What the server knows about one job kind: how to check its parameters before queueing it, and whether it
/// may simply be run again after an interruption.</summary>
public interface IJobKind
{
    /// <summary>One of SteerLab.Shared.Engine.EngineJobKinds.</summary>
    string Name { get; }

    /// <summary>True when running the job again from the start is harmless: it changes nothing but its own result
    /// (written together with its final state). Such jobs are re-queued after a restart or a lost worker; others are
    /// marked Interrupted for a person to decide.</summary>
    bool IsIdempotent { get; }

    /// <summary>Whether an idempotent job that its server's stop cut short should run again (a lost worker always re-queues
    /// it): yes by default; a kind whose job only served a reader in that process (a streamed generation) says no.</summary>
    bool RunAgainAfterRestart(string parametersJson) => true;

    /// <summary>Checks the parameters a user sent; on success gives their canonical JSON and the model they need.</summary>
    JobKindValidation Validate(JsonElement parameters);

    /// <summary>Stores what the job produced beyond its result JSON (say, a built vector's row), inside the transaction
    /// that also records the job's final state, so a result is never saved without its job being done or the other
    /// way round. Kinds whose result is only the JSON keep the default.</summary>
    Task PersistResultAsync(Data.SteerLabDbContext db, Data.Job job, string resultJson, CancellationToken cancellation) => Task.CompletedTask;
}

/// <summary>The outcome of <see cref="IJobKind.Validate"/>: either canonical parameters, or errors by parameter name.</summary>
public sealed record JobKindValidation(string? ParametersJson, string? Model, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;

    public static JobKindValidation Valid(string parametersJson, string? model) => new(parametersJson, model, new Dictionary<string, string[]>());

    public static JobKindValidation Invalid(IReadOnlyDictionary<string, string[]> errors) => new(null, null, errors);

    public static JobKindValidation Invalid(FieldErrors errors) => new(null, null, errors.ToDictionary());

    /// <summary>Refused for one problem of one field.</summary>
    public static JobKindValidation Refused(string field, string problem) => new(null, null, FieldErrors.One(field, problem));
}

/// <summary>The job kinds this server accepts.</summary>
public sealed class JobKindCatalog(IEnumerable<IJobKind> kinds)
{
    readonly Dictionary<string, IJobKind> byName = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => byName.Keys;

    public IJobKind? Find(string? name) => name is not null && byName.TryGetValue(name, out var kind) ? kind : null;

    /// <summary>Unknown kinds (say, written by a newer server version) are treated as not safe to repeat.</summary>
    public bool IsIdempotent(string name) => Find(name)?.IsIdempotent ?? false;

    public bool RunAgainAfterRestart(string name, string parametersJson) => Find(name)?.RunAgainAfterRestart(parametersJson) ?? false;
}
