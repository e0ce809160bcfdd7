namespace SteerLab.Engine.Worker;

/// <summary>A model cannot be unloaded because jobs are using it; the message says how many and what to do.</summary>
public sealed class ModelInUseException(string modelDir, int leases)
    : InvalidOperationException($"{modelDir} is in use by {leases} running job{(leases == 1 ? "" : "s")}; unload it once {(leases == 1 ? "that job finishes" : "they finish")} (or cancel {(leases == 1 ? "it" : "them")})")
{
    public string ModelDir { get; } = modelDir;
    public int Leases { get; } = leases;
}
