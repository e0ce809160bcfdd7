namespace SteerLab.Server;

/// <summary>The application's settings, bound from the configuration section "SteerLab"
/// (appsettings.json, or environment variables such as <c>SteerLab__ModelRoots__0=/models</c>).</summary>
public sealed record SteerLabOptions
{
    public const string SectionName = "SteerLab";

    /// <summary>Where SteerLab keeps its database, datasets and exported vectors; relative to the content root.</summary>
    public string DataFolder { get; init; } = "data";

    /// <summary>The only folders models may be loaded from (DESIGN §9).</summary>
    public string[] ModelRoots { get; init; } = [];

    /// <summary>Shared keys remote engine workers may authenticate with (<c>worker --key KEY</c>), besides users' API keys of
    /// the "worker" scope. Empty: only API keys.</summary>
    public string[] WorkerKeys { get; init; } = [];

    /// <summary>Names this server instance in job records, so that after a restart it recovers the jobs it was
    /// running and not those of other instances sharing the database. Set it (stable and unique per instance) when
    /// several instances share one PostgreSQL database. Unset: the machine name is recorded, and a restarting server
    /// recovers every job left Running, as the only instance.</summary>
    public string? InstanceName { get; init; }

    /// <summary>An API key given by configuration for automated setups (environment <c>SteerLab__BootstrapApiKey</c>); it
    /// acts for the first administrator with the "write" scope. Unset: no such key.</summary>
    public string? BootstrapApiKey { get; init; }

    /// <summary>The first administrator, created at start when no user exists yet (else the setup page asks for one).</summary>
    public AdminOptions Admin { get; init; } = new();

    public DatabaseOptions Database { get; init; } = new();
    public EngineOptions Engine { get; init; } = new();
    public JobOptions Jobs { get; init; } = new();
    public Limits.LimitOptions Limits { get; init; } = new();
}

/// <summary>"SteerLab:Admin": the first administrator's e-mail and password. There is no default password: with both
/// unset, the one-time setup page (<c>/account/setup</c>) creates the first administrator.</summary>
public sealed record AdminOptions
{
    public string? Email { get; init; }
    public string? Password { get; init; }
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Email);
}

/// <summary>"SteerLab:Database". The connection string is <c>ConnectionStrings:SteerLab</c>; for SQLite it defaults to
/// <c>steerlab.db</c> in the data folder.</summary>
public sealed record DatabaseOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>"sqlite" (default) or "postgres".</summary>
    public string Provider { get; init; } = Sqlite;
}

/// <summary>"SteerLab:Engine": where jobs run.</summary>
public sealed record EngineOptions
{
    public const string InProcess = "in-process";
    public const string Workers = "workers";
    public const string Both = "both";

    /// <summary>"in-process" (default: the server's own engine runs every job), "workers" (only remote workers run
    /// jobs; a job waits until a worker holding its model is free) or "both" (a free worker holding the model gets the
    /// job, else the server runs it when the model is under its own model roots).</summary>
    public string Mode { get; init; } = InProcess;

    /// <summary>Jobs the in-process engine runs at once.</summary>
    public int InProcessCapacity { get; init; } = 1;

    /// <summary>Weights of models loaded in-process: "f32" or "bf16".</summary>
    public string WeightType { get; init; } = "f32";

    public bool RunsInProcess => Mode is InProcess or Both;
    public bool UsesWorkers => Mode is Workers or Both;
}

/// <summary>"SteerLab:Jobs": the job queue.</summary>
public sealed record JobOptions
{
    /// <summary>How often a job may be started before it is given up (a lost worker or a restart costs one attempt).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Progress is written to the database at most this often per job (pages get every step live).</summary>
    public TimeSpan ProgressWriteInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the queue is looked at without being woken (other server instances may have added jobs).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a remote worker has to confirm a cancellation before the job is recorded as cancelled anyway.</summary>
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(30);
}
